import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableClient } from '../../lib/adapters/dynamo/table-guard';
import { makeDynamoTopicSnapshotStore } from '../../lib/adapters/dynamo/topic-snapshot-store';
import {
  CHANGE_OVERLAP_MS,
  makeTopicIndexCache,
  SNAPSHOT_MAX_AGE_MS,
} from '../../lib/matching/topic-index-cache';
import type { SubscriberStore, TopicIndexReader } from '../../lib/ports';
import { startTestTable, subscribeConfirmed, subscriberStoreAndIndex, viaApi } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable('tidings-index-cache');
});
afterAll(async () => {
  await table?.stop();
});

const article = (text: string) => ({ id: 'a', title: '', text });

describe('the in-memory topic index, built from DynamoDB and refreshed incrementally', () => {
  it('loads once, then applies only what changed, looking at most once per poll interval', async () => {
    const store = subscriberStoreAndIndex(table.db, table.tableName);
    const calls = { full: 0, changes: 0 };
    const counted: SubscriberStore & TopicIndexReader = {
      ...store,
      listActiveTopics: () => {
        calls.full++;
        return store.listActiveTopics();
      },
      topicChangesSince: (since) => {
        calls.changes++;
        return store.topicChangesSince(since);
      },
    };
    let now = new Date('2026-11-27T10:00:00Z');
    const currentIndex = makeTopicIndexCache({ subscribers: counted, clock: { now: () => now } });

    await subscribeConfirmed(store, 'ann', 'Iran', now);
    const first = await currentIndex();
    expect(first.index.match(article('News from Iran')).map((m) => m.topicId)).toEqual(['ann#t']);
    expect(calls).toEqual({ full: 1, changes: 0 });

    now = new Date('2026-11-27T10:05:00Z');
    await subscribeConfirmed(store, 'ben', 'Iraq', now);
    const second = await currentIndex();
    expect(second.index.match(article('Iran and Iraq')).map((m) => m.topicId)).toEqual(['ann#t', 'ben#t']);
    expect(calls).toEqual({ full: 1, changes: 1 });

    now = new Date('2026-11-27T10:06:00Z');
    await store.unsubscribe('ann', now, viaApi);
    const third = await currentIndex();
    expect(third.index.match(article('Iran and Iraq')).map((m) => m.topicId)).toEqual(['ben#t']);
    expect(third.topics.has('ann#t')).toBe(false);

    // A look within the poll interval of the last one reads nothing; after it, one look reads again.
    now = new Date('2026-11-27T10:06:00.100Z');
    await currentIndex();
    expect(calls.changes).toBe(2);
    now = new Date('2026-11-27T10:09:00Z');
    await currentIndex();
    await currentIndex();
    expect(calls.changes).toBe(3);
    expect(calls.full).toBe(1);
  });

  it('still picks up a change filed a little before its last look (a lagging index, a slow clock)', async () => {
    const store = subscriberStoreAndIndex(table.db, table.tableName);
    let now = new Date('2026-11-28T10:00:00Z');
    const currentIndex = makeTopicIndexCache({ subscribers: store, clock: { now: () => now } });
    await currentIndex();
    now = new Date('2026-11-28T10:01:00Z');
    await currentIndex();
    // Written now, but dated 30 s before the look just taken: the look back of CHANGE_OVERLAP_MS finds it.
    await subscribeConfirmed(store, 'late', 'Tuvalu', new Date(now.getTime() - CHANGE_OVERLAP_MS / 2));
    now = new Date('2026-11-28T10:01:05Z');
    const { index } = await currentIndex();
    expect(index.match(article('Tuvalu votes')).map((m) => m.topicId)).toEqual(['late#t']);
  });

  it('sees every one of 50 confirmations made at once, none of which conflicts with another', async () => {
    const store = subscriberStoreAndIndex(table.db, table.tableName);
    let now = new Date('2026-11-29T10:00:00Z');
    const currentIndex = makeTopicIndexCache({ subscribers: store, clock: { now: () => now } });
    await currentIndex();

    // A signup burst: 50 readers confirm in the same moment, through the real store and transactions,
    // each through a client that notes which items its transactions write.
    const writers = new Map<string, Set<string>>();
    const noting = (id: string): TableClient => ({
      send: ((command: Parameters<TableClient['send']>[0], ...rest: unknown[]) => {
        if (command instanceof TransactWriteCommand) {
          for (const write of command.input.TransactItems ?? []) {
            const key =
              write.Put?.Item ?? write.Update?.Key ?? write.Delete?.Key ?? write.ConditionCheck?.Key;
            const item = `${key?.pk}/${key?.sk}`;
            writers.set(item, (writers.get(item) ?? new Set()).add(id));
          }
        }
        return (table.db.send as (...args: unknown[]) => unknown)(command, ...rest);
      }) as TableClient['send'],
    });
    const ids = Array.from({ length: 50 }, (_, i) => `burst-${i}`);
    const outcomes = await Promise.allSettled(
      ids.map((id) =>
        subscribeConfirmed(subscriberStoreAndIndex(noting(id), table.tableName), id, 'Nauru', now),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    for (const id of ids) expect((await store.get(id))?.status).toBe('active');
    // DynamoDB Local runs transactions one at a time, so it never reports a conflict; DynamoDB does when
    // two concurrent transactions write the same item. No item is written by two of these confirmations.
    const shared = [...writers].filter(([, ids]) => ids.size > 1).map(([item]) => item);
    expect(shared).toEqual([]);

    now = new Date('2026-11-29T10:00:01Z');
    const { index } = await currentIndex();
    const matched = index.match(article('Nauru news')).map((m) => m.topicId);
    expect(matched.sort()).toEqual(ids.map((id) => `${id}#t`).sort());
  });

  it('starts cold from the snapshot a cold start left, plus the changes since, as a full load would', async () => {
    const store = subscriberStoreAndIndex(table.db, table.tableName);
    const snapshots = makeDynamoTopicSnapshotStore(table.db, table.tableName);
    let fullLoads = 0;
    const counted: SubscriberStore & TopicIndexReader = {
      ...store,
      listActiveTopics: () => {
        fullLoads++;
        return store.listActiveTopics();
      },
    };
    let now = new Date('2026-11-30T10:00:00Z');
    const clock = { now: () => now };
    const keysOf = (topics: ReadonlyMap<string, unknown>) => [...topics.keys()].sort();

    await subscribeConfirmed(store, 'snap-kept', 'Vanuatu', now);
    await subscribeConfirmed(store, 'snap-gone', 'Vanuatu', now);
    // The first cold start finds no snapshot: it reads the index and leaves one.
    await makeTopicIndexCache({ subscribers: counted, snapshots, clock })();
    expect(fullLoads).toBe(1);
    expect((await snapshots.read(now))?.takenAt).toBe(now.toISOString());

    // Changes after the snapshot: one subscriber leaves, one arrives.
    now = new Date('2026-11-30T10:10:00Z');
    await store.unsubscribe('snap-gone', now, viaApi);
    await subscribeConfirmed(store, 'snap-new', 'Vanuatu', now);

    now = new Date('2026-11-30T10:20:00Z');
    const { index, topics } = await makeTopicIndexCache({ subscribers: counted, snapshots, clock })();
    expect(fullLoads).toBe(1);
    expect(
      index
        .match(article('Vanuatu news'))
        .map((m) => m.topicId)
        .sort(),
    ).toEqual(['snap-kept#t', 'snap-new#t']);
    const full = await makeTopicIndexCache({ subscribers: store, clock })();
    expect(keysOf(topics)).toEqual(keysOf(full.topics));
    // A young snapshot is left as it is; an old one is replaced by the cold start that read it.
    expect((await snapshots.read(now))?.takenAt).toBe('2026-11-30T10:00:00.000Z');
    now = new Date(Date.parse('2026-11-30T10:00:00Z') + SNAPSHOT_MAX_AGE_MS);
    await makeTopicIndexCache({ subscribers: counted, snapshots, clock })();
    expect(fullLoads).toBe(1);
    expect((await snapshots.read(now))?.takenAt).toBe(now.toISOString());
  });
});
