import type { MatchedTopic } from '../ports';
import type { Topic } from '../subscriptions/model';

/** A matched topic as a mail shows it: with the query as the subscriber wrote it. */
export interface NamedTopic {
  readonly topicId: string;
  readonly query: string;
  readonly terms: readonly string[];
}

/** The queries of the subscriber's active topics, by topic id: what a delivery's topic ids stand for. */
export function activeQueries(topics: readonly Topic[]): ReadonlyMap<string, string> {
  return new Map(topics.filter((topic) => topic.status === 'active').map((topic) => [topic.id, topic.query]));
}

/**
 * The delivery's topics that are still active, named by their current query. A topic removed or muted
 * since the match is left out: the reader asked not to hear about it. (Deliveries queued before they
 * stopped copying queries are named the same way: their topic ids still stand.)
 */
export function nameTopics(
  topics: readonly MatchedTopic[],
  queries: ReadonlyMap<string, string>,
): NamedTopic[] {
  return topics.flatMap((topic) => {
    const query = queries.get(topic.topicId);
    return query === undefined ? [] : [{ topicId: topic.topicId, query, terms: topic.terms }];
  });
}
