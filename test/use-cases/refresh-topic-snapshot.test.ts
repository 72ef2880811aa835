import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardTable } from '../../lib/adapters/dynamo/table-guard';
import { makeDynamoTopicIndexReader } from '../../lib/adapters/dynamo/topic-index-reader';
import { makeDynamoTopicSnapshotStore } from '../../lib/adapters/dynamo/topic-snapshot-store';
import { functions } from '../../lib/manifest';
import { makeTopicIndexCache } from '../../lib/matching/topic-index-cache';
import { makeRefreshTopicSnapshot } from '../../lib/use-cases/refresh-topic-snapshot';
import { startTestTable, subscribeConfirmed, subscriberStoreAndIndex, viaApi } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable('tidings-refresh-snapshot');
});
afterAll(async () => {
  await table?.stop();
});

describe('the scheduled snapshot of the active topics', () => {
  it('holds every active topic, and a cold matcher starts from it without reading the whole index', async () => {
    const store = subscriberStoreAndIndex(table.db, table.tableName);
    const at = new Date('2026-12-02T10:00:00.000Z');
    await subscribeConfirmed(store, 'reader-a', 'quokka', at);
    await subscribeConfirmed(store, 'reader-b', 'Basra AND water', at);
    await subscribeConfirmed(store, 'reader-gone', 'quokka', at);
    await store.unsubscribe('reader-gone', at, viaApi);

    // Through the snapshot function's own guarded client: its manifest entry must allow all of it.
    const client = guardTable(table.db, functions.snapshot.table, 'snapshot');
    let now = new Date('2026-12-02T10:05:00.000Z');
    const refresh = makeRefreshTopicSnapshot({
      topics: makeDynamoTopicIndexReader(client, table.tableName),
      snapshots: makeDynamoTopicSnapshotStore(client, table.tableName),
      clock: { now: () => now },
    });
    expect(await refresh()).toEqual({ takenAt: now.toISOString(), topics: 2 });

    const snapshots = makeDynamoTopicSnapshotStore(table.db, table.tableName);
    const read = await snapshots.read(now);
    expect(new Set([...(read?.topics ?? [])].map((t) => `${t.subscriberId} ${t.query}`))).toEqual(
      new Set(['reader-a quokka', 'reader-b Basra AND water']),
    );

    // A topic confirmed after it is in the next run's snapshot.
    await subscribeConfirmed(store, 'reader-c', 'Gaza', new Date('2026-12-02T10:10:00.000Z'));
    now = new Date('2026-12-02T10:35:00.000Z');
    expect((await refresh()).topics).toBe(3);

    const index = makeDynamoTopicIndexReader(table.db, table.tableName);
    const currentIndex = makeTopicIndexCache({
      subscribers: {
        listActiveTopics: () => {
          throw new Error('a cold matcher with a fresh snapshot must not read the whole index');
        },
        topicChangesSince: (since) => index.topicChangesSince(since),
      },
      snapshots,
      clock: { now: () => new Date('2026-12-02T10:40:00.000Z') },
    });
    const { index: topics } = await currentIndex();
    const matched = topics.match({ id: 'x', title: 'Basra water', text: 'A quokka in Gaza.' });
    expect(matched.map((m) => m.topicId).sort()).toEqual(['reader-a#t', 'reader-b#t', 'reader-c#t']);
  });
});
