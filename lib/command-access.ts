import type { TableAccess } from './manifest';

/**
 * What an operator's command may do with the table, declared as a function's access is in the manifest:
 * the command holds its client to it (`guardTable`), and the stack grants the operator exactly this.
 */

/**
 * `tidings dlq list` and `replay`: read the items dead letters name, and touch a delivery or an article so
 * the stream hands it to its function again.
 */
export const dlqCommandAccess = {
  read: ['article', 'subscriber', 'fanout'],
  update: ['article', 'subscriber'],
} as const satisfies TableAccess;
