import { refreshTopicSnapshot } from '../lib/compose/snapshot';
import { logger } from '../lib/log';

/** Runs from the schedule: a fresh snapshot of the active topics, so no cold matcher reads the whole index. */
export const handler = async () => {
  const result = await refreshTopicSnapshot()();
  logger.info('Topic snapshot written', { ...result });
  return result;
};
