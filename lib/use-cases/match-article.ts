import type { Article } from '../articles';
import { matchableArticle } from '../matching/matchable-article';
import type { IndexedTopics } from '../matching/topic-index-cache';
import type { Clock, DeliveryStore, MatchedTopic } from '../ports';

export interface MatchOutcome {
  readonly alertsQueued: number;
  readonly heldForDigest: number;
}

/**
 * 1. take the current topic index (the article comes whole in its stream record: no read needed)
 * 2. match once; group the matching topics by subscriber
 * 3. queue one alert per subscriber with instant topics (the ledger makes it happen once), and hold the
 *    digest topics' matches for the subscriber's next daily or weekly digest
 */
export function makeMatchArticle(deps: {
  deliveries: DeliveryStore;
  currentIndex: () => Promise<IndexedTopics>;
  clock: Clock;
}) {
  return async function matchArticle(article: Article): Promise<MatchOutcome> {
    const { index, topics } = await deps.currentIndex();
    const matches = index.match(matchableArticle(article));
    const bySubscriber = new Map<
      string,
      { instant: MatchedTopic[]; daily: MatchedTopic[]; weekly: MatchedTopic[] }
    >();
    for (const match of matches) {
      const topic = topics.get(match.topicId);
      if (!topic) continue;
      const entry = bySubscriber.get(topic.subscriberId) ?? { instant: [], daily: [], weekly: [] };
      entry[topic.frequency].push({ topicId: topic.topicId, query: topic.query, terms: match.terms });
      bySubscriber.set(topic.subscriberId, entry);
    }
    const now = deps.clock.now();
    let alertsQueued = 0;
    let heldForDigest = 0;
    for (const [subscriberId, groups] of bySubscriber) {
      if (groups.instant.length > 0) {
        const queued = await deps.deliveries.queueAlert(
          {
            kind: 'alert',
            subscriberId,
            key: `ALERT#${article.id}`,
            articleId: article.id,
            topics: groups.instant,
          },
          now,
        );
        if (queued) alertsQueued++;
      }
      for (const period of ['daily', 'weekly'] as const) {
        if (groups[period].length === 0) continue;
        await deps.deliveries.holdForDigest(
          subscriberId,
          period,
          { articleId: article.id, topics: groups[period] },
          now,
        );
        heldForDigest++;
      }
    }
    return { alertsQueued, heldForDigest };
  };
}
