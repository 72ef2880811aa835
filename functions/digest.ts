import type { ScheduledEvent } from 'aws-lambda';
import { queueDigests } from '../lib/compose/digest';
import { logger } from '../lib/log';

/**
 * Runs every few minutes from the schedule; queues the digests that are due in each subscriber's local
 * time. `{ "force": true }` (the CLI's `digest run --now`) treats every digest subscriber as due.
 */
export const handler = async (event: Partial<ScheduledEvent> & { force?: boolean }) => {
  const result = await queueDigests()({ force: event.force === true });
  logger.info('Digests queued', result);
  return result;
};
