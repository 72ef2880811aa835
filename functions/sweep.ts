import { sweepDeliveries } from '../lib/compose/sweep';
import { logger } from '../lib/log';

/** Runs every minute from the schedule; queues again the deliveries whose claim went stale or retry came due. */
export const handler = async () => {
  const result = await sweepDeliveries()();
  if (result.staleClaims > 0 || result.retries > 0) logger.info('Deliveries queued again', { ...result });
  return result;
};
