import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import type { TableClient } from '../../lib/adapters/dynamo/table-guard';
import type { ActiveTopic } from '../../lib/ports';
import type { Topic } from '../../lib/subscriptions/model';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

/** Passes everything to DynamoDB Local except the `nth` transaction, which fails like a dropped connection. */
function failingTransaction(db: TableClient, nth: number): TableClient {
  let transactions = 0;
  return {
    send: ((command: Parameters<TableClient['send']>[0]) => {
      if (command instanceof TransactWriteCommand && ++transactions === nth) {
        return Promise.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
      }
      return db.send(command);
    }) as TableClient['send'],
  };
}

async function activeSubscriber(subscriberId: string, topicCount: number) {
  const store = makeDynamoSubscriberStore(table.db, table.tableName);
  const at = new Date('2026-12-01T09:00:00Z');
  await store.create({
    id: subscriberId,
    email: `${subscriberId}@example.com`,
    status: 'pending',
    timezone: 'UTC',
    digestHour: 7,
    createdAt: at.toISOString(),
  });
  const topics: Topic[] = Array.from({ length: topicCount }, (_, i) => ({
    subscriberId,
    id: `t${i}`,
    query: `topic${i}`,
    frequency: 'instant',
    status: 'pending',
    requestId: 'r1',
    createdAt: at.toISOString(),
  }));
  await store.addTopics(topics);
  expect(await store.confirm(subscriberId, 'r1', at)).toBe(topicCount);
  return store;
}

async function activeTopicsOf(subscriberId: string): Promise<ActiveTopic[]> {
  const store = makeDynamoSubscriberStore(table.db, table.tableName);
  const found: ActiveTopic[] = [];
  for await (const topic of store.listActiveTopics())
    if (topic.subscriberId === subscriberId) found.push(topic);
  return found;
}

describe('unsubscribing a subscriber with more topics than one transaction holds', () => {
  it('stops mail at the first chunk, and a retry after a failure between chunks retires every topic', async () => {
    const store = await activeSubscriber('many-topics', 150);
    expect(await activeTopicsOf('many-topics')).toHaveLength(150);
    const version = await store.topicsVersion();

    const flaky = makeDynamoSubscriberStore(failingTransaction(table.db, 2), table.tableName);
    await expect(flaky.unsubscribe('many-topics', new Date('2026-12-01T10:00:00Z'))).rejects.toThrow(
      'socket hang up',
    );
    // The first chunk landed: the profile is unsubscribed (so sending skips it) but 60 topics are still active.
    expect((await store.get('many-topics'))?.status).toBe('unsubscribed');
    expect(await activeTopicsOf('many-topics')).toHaveLength(60);

    // The retry (the same link clicked again, or the Lambda retry) finishes the job.
    expect(await store.unsubscribe('many-topics', new Date('2026-12-01T10:01:00Z'))).toBe(false);
    expect(await activeTopicsOf('many-topics')).toEqual([]);
    // Each chunk told the matchers: a matcher that refreshed in between still learns of the rest.
    expect(await store.topicsVersion()).toBe(version + 2);

    const changes = [];
    for await (const change of store.topicChangesSince('2026-12-01T09:30:00.000Z')) {
      if (change.topic.subscriberId === 'many-topics') changes.push(change.change);
    }
    expect(changes.filter((c) => c === 'retired')).toHaveLength(150);

    // Once complete, another retry changes nothing.
    expect(await store.unsubscribe('many-topics', new Date('2026-12-01T10:02:00Z'))).toBe(false);
    expect(await store.topicsVersion()).toBe(version + 2);
  });
});
