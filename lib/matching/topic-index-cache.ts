import type { ActiveTopic, Clock, SubscriberStore } from '../ports';
import { QueryError, TopicIndex } from '../query';

export interface IndexedTopics {
  readonly index: TopicIndex;
  readonly topics: ReadonlyMap<string, ActiveTopic>;
}

export function indexKey(topic: Pick<ActiveTopic, 'subscriberId' | 'topicId'>): string {
  return `${topic.subscriberId}#${topic.topicId}`;
}

/**
 * How far back a refresh looks past its cursor, and how long after a change it keeps looking: the GSI the
 * changes are read from is eventually consistent, and writers' clocks differ a little. Re-applying a
 * change is harmless (add replaces, remove is idempotent).
 */
export const CHANGE_OVERLAP_MS = 60_000;

/**
 * Keeps the compiled index of active topics in function memory across invocations. A cold start loads every
 * active topic; after that, when the topics version moves, only the topics activated or retired since the
 * last refresh are read and applied, so matching an article never scans the table.
 */
export function makeTopicIndexCache(deps: {
  subscribers: SubscriberStore;
  clock: Clock;
  onInvalid?: (topicId: string, error: QueryError) => void;
}) {
  let state:
    | {
        version: number;
        value: { index: TopicIndex; topics: Map<string, ActiveTopic> };
        cursor: number;
        changedAt: number;
      }
    | undefined;

  const addTopic = (index: TopicIndex, topics: Map<string, ActiveTopic>, topic: ActiveTopic) => {
    try {
      index.add(indexKey(topic), topic.query);
      topics.set(indexKey(topic), topic);
    } catch (error) {
      // Stored queries were valid when saved; one the language no longer accepts must not stop matching.
      if (!(error instanceof QueryError)) throw error;
      deps.onInvalid?.(indexKey(topic), error);
    }
  };

  async function load(version: number, startedAt: number) {
    const index = new TopicIndex();
    const topics = new Map<string, ActiveTopic>();
    for await (const topic of deps.subscribers.listActiveTopics()) addTopic(index, topics, topic);
    state = { version, value: { index, topics }, cursor: startedAt, changedAt: startedAt };
  }

  async function applyChanges(version: number, startedAt: number) {
    if (!state) return;
    const { index, topics } = state.value;
    const since = new Date(state.cursor - CHANGE_OVERLAP_MS).toISOString();
    const changes = [];
    for await (const change of deps.subscribers.topicChangesSince(since)) changes.push(change);
    // Oldest first, so a topic activated and then retired ends up retired.
    changes.sort((a, b) => a.at.localeCompare(b.at));
    for (const { change, topic } of changes) {
      if (change === 'activated') addTopic(index, topics, topic);
      else {
        index.remove(indexKey(topic));
        topics.delete(indexKey(topic));
      }
    }
    state = {
      ...state,
      cursor: startedAt,
      changedAt: state.version === version ? state.changedAt : startedAt,
      version,
    };
  }

  return async function currentIndex(): Promise<IndexedTopics> {
    const startedAt = deps.clock.now().getTime();
    const version = await deps.subscribers.topicsVersion();
    if (!state) await load(version, startedAt);
    else if (version !== state.version || startedAt - state.changedAt < CHANGE_OVERLAP_MS) {
      await applyChanges(version, startedAt);
    }
    return (state as NonNullable<typeof state>).value;
  };
}
