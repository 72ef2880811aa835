import type { ActiveTopic, Clock, TopicIndexReader, TopicSnapshotStore } from '../ports';

/**
 * Writes a fresh snapshot of every active topic, read whole from the topics index, on a schedule with a
 * long time limit. A cold matcher reads the snapshot instead of the index; without this job it writes one
 * only after a cold start that found none (the first ever, or after a quiet day let the last one expire).
 * At a million topics such a start reads the whole index, about 110 s on DynamoDB Local: past the match
 * function's 60 s, so it and every retry would time out and no snapshot would ever be written. A full read
 * each time rather than the last snapshot plus its changes: whatever one snapshot missed (a change the
 * index showed only after the matchers' overlap) is gone at the next run.
 */
export function makeRefreshTopicSnapshot(deps: {
  topics: Pick<TopicIndexReader, 'listActiveTopics'>;
  snapshots: Pick<TopicSnapshotStore, 'write'>;
  clock: Clock;
}) {
  return async function refreshTopicSnapshot(): Promise<{ takenAt: string; topics: number }> {
    // As of the start of the read: a matcher applies every change from then on (less its overlap), so
    // one the read also saw is applied twice, which is harmless.
    const takenAt = deps.clock.now().toISOString();
    const topics: ActiveTopic[] = [];
    for await (const topic of deps.topics.listActiveTopics()) topics.push(topic);
    await deps.snapshots.write({ takenAt, topics });
    return { takenAt, topics: topics.length };
  };
}
