import type { Article } from '../articles';
import { settleEach } from '../concurrency';
import { chunkRecipients, planId, planRecipients } from '../matching/fan-out-plan';
import { matchableArticle } from '../matching/matchable-article';
import type { IndexedTopics } from '../matching/topic-index-cache';
import type { Clock, DeliveryStore, Metrics } from '../ports';

export interface MatchOutcome {
  readonly recipients: number;
  readonly chunks: number;
}

/** Chunk writes in flight at once: a 100,000-recipient story is 200 chunks, written in a few seconds. */
const CHUNK_WRITES = 8;

/**
 * 1. take the current topic index (the article comes whole in its stream record: no read needed)
 * 2. match once; plan one recipient per subscriber (an alert, or a hold for one digest)
 * 3. write the plan as chunks of at most 500 recipients; each chunk's stream record is handled by the
 *    fan-out function on its own (`fan-out.ts`), so the cost here is one pass and O(recipients / 500) writes
 * 4. count a first version as ingested, and time how long it waited from being stored to being matched
 */
export function makeMatchArticle(deps: {
  deliveries: Pick<DeliveryStore, 'queueFanOut'>;
  currentIndex: () => Promise<IndexedTopics>;
  clock: Clock;
  /** ArticlesIngested (counted here, not in ingest, whose bundle has no room) and MatchLatency. */
  metrics: Metrics;
}) {
  return async function matchArticle(article: Article): Promise<MatchOutcome> {
    const { index, topics } = await deps.currentIndex();
    const matched = [];
    for (const match of index.match(matchableArticle(article))) {
      const topic = topics.get(match.topicId);
      if (topic) matched.push({ ...topic, terms: match.terms });
    }
    const recipients = planRecipients(matched);
    const chunks = chunkRecipients(recipients);
    const plan = planId(recipients);
    const now = deps.clock.now();
    const written = await settleEach(chunks, CHUNK_WRITES, (chunk, i) =>
      deps.deliveries.queueFanOut(
        {
          articleId: article.id,
          storyId: article.storyId ?? article.id,
          planId: plan,
          index: i,
          count: chunks.length,
          recipients: chunk,
        },
        now,
      ),
    );
    // Chunks are conditional puts: a retry rewrites nothing that was written, and writes what was not.
    const failure = written.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    // Every stored article passes through here once (a stream retry aside), so this is where it is counted.
    if (article.revisions === undefined) deps.metrics.count('ArticlesIngested');
    const storedAt = Date.parse(article.revisedAt ?? article.ingestedAt);
    if (Number.isFinite(storedAt)) deps.metrics.timing('MatchLatency', deps.clock.now().getTime() - storedAt);
    return { recipients: recipients.length, chunks: chunks.length };
  };
}
