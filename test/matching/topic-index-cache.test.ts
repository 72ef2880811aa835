import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import { makeTopicIndexCache } from '../../lib/matching/topic-index-cache';
import type { SubscriberStore } from '../../lib/ports';
import { startTestTable, viaApi } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable('tidings-index-cache');
});
afterAll(async () => {
  await table?.stop();
});

const article = (text: string) => ({ id: 'a', title: '', text });

async function subscribe(store: SubscriberStore, id: string, query: string, at: Date) {
  await store.create({
    id,
    email: `${id}@example.com`,
    status: 'pending',
    timezone: 'UTC',
    digestHour: 7,
    createdAt: at.toISOString(),
  });
  await store.addTopics([
    {
      subscriberId: id,
      id: 't',
      query,
      frequency: 'instant',
      status: 'pending',
      requestId: 'r',
      createdAt: at.toISOString(),
    },
  ]);
  await store.confirm(id, 'r', at, viaApi);
}

describe('the in-memory topic index, built from DynamoDB and refreshed incrementally', () => {
  it('loads once, then applies only what changed, and stops looking once changes settle', async () => {
    const store = makeDynamoSubscriberStore(table.db, table.tableName);
    const calls = { full: 0, changes: 0 };
    const counted: SubscriberStore = {
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

    await subscribe(store, 'ann', 'Iran', now);
    const first = await currentIndex();
    expect(first.index.match(article('News from Iran')).map((m) => m.topicId)).toEqual(['ann#t']);
    expect(calls).toEqual({ full: 1, changes: 0 });

    now = new Date('2026-11-27T10:05:00Z');
    await subscribe(store, 'ben', 'Iraq', now);
    const second = await currentIndex();
    expect(second.index.match(article('Iran and Iraq')).map((m) => m.topicId)).toEqual(['ann#t', 'ben#t']);
    expect(calls).toEqual({ full: 1, changes: 1 });

    now = new Date('2026-11-27T10:06:00Z');
    await store.unsubscribe('ann', now, viaApi);
    const third = await currentIndex();
    expect(third.index.match(article('Iran and Iraq')).map((m) => m.topicId)).toEqual(['ben#t']);
    expect(third.topics.has('ann#t')).toBe(false);

    // Within the overlap window it keeps re-reading the recent changes; after it, nothing is read.
    now = new Date('2026-11-27T10:06:30Z');
    await currentIndex();
    const readsBefore = calls.changes;
    now = new Date('2026-11-27T10:09:00Z');
    await currentIndex();
    await currentIndex();
    expect(calls.changes).toBe(readsBefore);
    expect(calls.full).toBe(1);
  });
});
