import { settleEach } from '../concurrency';
import { FanOutIncomplete } from '../errors';
import type { Clock, DeliveryStore, FanOutChunk } from '../ports';

export interface FanOutOutcome {
  readonly alertsQueued: number;
  readonly heldForDigest: number;
  /** Recipients already served by an earlier attempt at this chunk (the ledger said so). */
  readonly alreadyDone: number;
}

/**
 * Conditional writes in flight at once. Enough to keep a chunk of 500 well inside the function's timeout
 * on AWS (a few milliseconds each), few enough not to burst a partition.
 */
export const RECIPIENT_WRITES = 16;

/**
 * 1. for every recipient of the chunk, at most 16 at a time: queue their alert, or hold the story for their
 *    next digest; both are conditional writes keyed by subscriber and story, so a replay adds nothing, and
 *    neither does another outlet's version of a story the subscriber already has
 * 2. one recipient's failure never stops the others: each is logged by `onFailure` with its subscriber id,
 *    and the chunk then fails as a whole so the stream retries it, which redoes only what failed
 */
export function makeFanOut(deps: {
  deliveries: Pick<DeliveryStore, 'queueAlert' | 'holdForDigest'>;
  clock: Clock;
  onFailure: (subscriberId: string, error: unknown) => void;
}) {
  return async function fanOut(chunk: FanOutChunk): Promise<FanOutOutcome> {
    const now = deps.clock.now();
    const { articleId, storyId } = chunk;
    // Keyed by story: a subscriber who already has (or waits for) another outlet's version gets nothing new.
    const story = storyId === articleId ? {} : { storyId };
    const results = await settleEach(chunk.recipients, RECIPIENT_WRITES, async (recipient) => {
      const { subscriberId, topics } = recipient;
      if (recipient.kind === 'alert') {
        const queued = await deps.deliveries.queueAlert(
          { kind: 'alert', subscriberId, key: `ALERT#${storyId}`, articleId, ...story, topics },
          now,
        );
        return queued ? 'queued' : 'done';
      }
      await deps.deliveries.holdForDigest(subscriberId, recipient.kind, { articleId, ...story, topics }, now);
      return 'held';
    });
    const failed: string[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      const subscriberId = chunk.recipients[i]?.subscriberId ?? '';
      failed.push(subscriberId);
      deps.onFailure(subscriberId, result.reason);
    });
    if (failed.length > 0) throw new FanOutIncomplete(articleId, chunk.index, failed);
    const count = (value: string) =>
      results.filter((result) => result.status === 'fulfilled' && result.value === value).length;
    return { alertsQueued: count('queued'), heldForDigest: count('held'), alreadyDone: count('done') };
  };
}
