import type { ScheduledEvent } from 'aws-lambda';
import { queueDigests } from '../lib/compose/digest';
import { logger } from '../lib/log';
import { parseRunInstant } from '../lib/subscriptions/digest-schedule';

/** The schedule's event, or an operator's run: `force` serves every digest subscriber now, `at` runs as of then. */
export type DigestRunEvent = Partial<ScheduledEvent> & { force?: boolean; at?: string };

/**
 * Runs every few minutes from the schedule; queues the digests that are due in each subscriber's local
 * time. `{ "force": true }` (the CLI's `digest run --now`) treats every digest subscriber as due;
 * `{ "at": "2026-12-01T07:00:00Z" }` (`--at`) runs as if the clock read that instant.
 */
export const handler = async (event: DigestRunEvent) => {
  const at = typeof event.at === 'string' ? parseRunInstant(event.at) : undefined;
  const result = await queueDigests()({ force: event.force === true, at });
  logger.info('Digests queued', { ...result });
  return result;
};
