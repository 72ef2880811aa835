import type { ActiveTopic, SubscriberStore } from '../ports';
import { TopicIndex } from '../query';

export interface IndexedTopics {
  readonly index: TopicIndex;
  readonly topics: ReadonlyMap<string, ActiveTopic>;
}

export function indexKey(topic: Pick<ActiveTopic, 'subscriberId' | 'topicId'>): string {
  return `${topic.subscriberId}#${topic.topicId}`;
}

/**
 * Keeps the compiled index of active topics in function memory across invocations and rebuilds it only
 * when the table's topics version moves, so matching an article never scans the table.
 */
export function makeTopicIndexCache(subscribers: SubscriberStore) {
  let cached: { version: number; value: IndexedTopics } | undefined;
  return async function currentIndex(): Promise<IndexedTopics> {
    const version = await subscribers.topicsVersion();
    if (cached && cached.version === version) return cached.value;
    const topics = new Map<string, ActiveTopic>();
    for await (const topic of subscribers.listActiveTopics()) topics.set(indexKey(topic), topic);
    const index = TopicIndex.build([...topics].map(([id, t]) => ({ id, query: t.query })));
    cached = { version, value: { index, topics } };
    return cached.value;
  };
}
