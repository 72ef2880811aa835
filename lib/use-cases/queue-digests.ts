import type { Clock, DeliveryStore, SubscriberStore } from '../ports';
import { duePeriodKey } from '../subscriptions/digest-schedule';

/** A digest lists at most this many stories; the rest wait for the next one. */
export const MAX_DIGEST_ITEMS = 50;

/**
 * 1. walk the subscribers who have digest topics
 * 2. for each whose local digest time has come (or all, when forced), move the held matches into one
 *    queued digest delivery; the delivery's key makes each period's digest happen once
 * Sending happens downstream, on the delivery's stream record.
 */
export function makeQueueDigests(deps: {
  subscribers: SubscriberStore;
  deliveries: DeliveryStore;
  clock: Clock;
}) {
  return async function queueDigests(options: { force?: boolean } = {}): Promise<{ queued: number }> {
    const now = deps.clock.now();
    let queued = 0;
    for await (const subscriber of deps.subscribers.listDigestSubscribers()) {
      if (subscriber.status !== 'active') continue;
      for (const period of ['daily', 'weekly'] as const) {
        const periodKey = duePeriodKey(subscriber, period, now, options.force);
        if (!periodKey) continue;
        const digest = await deps.deliveries.queueDigest(
          subscriber.id,
          period,
          periodKey,
          MAX_DIGEST_ITEMS,
          now,
        );
        if (digest) queued++;
      }
    }
    return { queued };
  };
}
