import { makeDynamoTopicIndexReader } from '../adapters/dynamo/topic-index-reader';
import { makeDynamoTopicSnapshotStore } from '../adapters/dynamo/topic-snapshot-store';
import { makeRefreshTopicSnapshot } from '../use-cases/refresh-topic-snapshot';
import { once } from './once';
import { systemClock } from './runtime';
import { tableFor } from './table';

/** What the snapshot function uses: the topics index, read whole, and the snapshot it writes. */
const table = tableFor('snapshot');

export const refreshTopicSnapshot = once(() => {
  const { db, tableName } = table();
  return makeRefreshTopicSnapshot({
    topics: makeDynamoTopicIndexReader(db, tableName),
    snapshots: makeDynamoTopicSnapshotStore(db, tableName),
    clock: systemClock,
  });
});
