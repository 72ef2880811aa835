import type { ActiveTopic, Clock, TopicIndexReader, TopicSnapshotStore } from '../ports';
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
 * How often a warm matcher looks for changes, at most. Nothing signals a change but the change itself (a
 * shared version counter, bumped in every confirmation's transaction, was a hot key and a source of
 * transaction conflicts in a signup burst), so each look reads every change partition since the cursor:
 * 32 small queries at once. Bounding the rate bounds what a busy matcher spends on them; a topic confirmed
 * within this long before an article arrives may miss it, which the GSI's own lag already allowed.
 */
export const CHANGE_POLL_MS = 250;

/**
 * How old a snapshot may be before a cold start that read it writes a fresh one: the changes since it are
 * what each cold start reads on top, and a snapshot costs a write of every topic.
 */
export const SNAPSHOT_MAX_AGE_MS = 60 * 60_000;

/**
 * Keeps the compiled index of active topics in function memory across invocations. A cold start loads every
 * active topic, from the snapshot when there is one (then the changes since it, as a warm look would),
 * else from the topics index, and leaves a fresh snapshot when it found none or an old one. After that,
 * at most once per `pollMs`, only the topics activated or retired since the last look (less the overlap)
 * are read and applied, so matching an article never scans the table.
 */
export function makeTopicIndexCache(deps: {
  subscribers: TopicIndexReader;
  clock: Clock;
  snapshots?: TopicSnapshotStore;
  onInvalid?: (topicId: string, error: QueryError) => void;
  /** A snapshot that could not be read or written: the load goes on without it. */
  onSnapshotError?: (error: unknown) => void;
  pollMs?: number;
}) {
  const pollMs = deps.pollMs ?? CHANGE_POLL_MS;
  let state:
    | {
        value: { index: TopicIndex; topics: Map<string, ActiveTopic> };
        /** When the last look (or the load) began: every change before it, less the overlap, is applied. */
        cursor: number;
      }
    | undefined;

  const addTopic = (index: TopicIndex, topics: Map<string, ActiveTopic>, topic: ActiveTopic) => {
    // One key string shared by the index and the map: at a million topics a second copy is ~90 MB.
    const key = indexKey(topic);
    try {
      index.add(key, topic.query);
      topics.set(key, topic);
    } catch (error) {
      // Stored queries were valid when saved; one the language no longer accepts must not stop matching.
      if (!(error instanceof QueryError)) throw error;
      deps.onInvalid?.(key, error);
    }
  };

  async function load(startedAt: number) {
    const index = new TopicIndex();
    const topics = new Map<string, ActiveTopic>();
    const snapshot = await deps.snapshots?.read(new Date(startedAt)).catch((error: unknown) => {
      deps.onSnapshotError?.(error);
      return undefined;
    });
    if (snapshot) {
      for (const topic of snapshot.topics) addTopic(index, topics, topic);
      state = { value: { index, topics }, cursor: Date.parse(snapshot.takenAt) };
      await applyChanges(startedAt);
    } else {
      for await (const topic of deps.subscribers.listActiveTopics()) addTopic(index, topics, topic);
      state = { value: { index, topics }, cursor: startedAt };
    }
    if (deps.snapshots && (!snapshot || startedAt - Date.parse(snapshot.takenAt) >= SNAPSHOT_MAX_AGE_MS)) {
      // Taken as of the cursor: every change before it, less the overlap, is in the map.
      await deps.snapshots
        .write({ takenAt: new Date(startedAt).toISOString(), topics: topics.values() })
        .catch((error: unknown) => deps.onSnapshotError?.(error));
    }
  }

  async function applyChanges(startedAt: number) {
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
    state = { ...state, cursor: startedAt };
  }

  return async function currentIndex(): Promise<IndexedTopics> {
    const startedAt = deps.clock.now().getTime();
    if (!state) await load(startedAt);
    else if (startedAt - state.cursor >= pollMs) await applyChanges(startedAt);
    return (state as NonNullable<typeof state>).value;
  };
}
