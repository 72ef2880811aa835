import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoDeliveryStore } from '../../lib/adapters/dynamo/delivery-store';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import { makeDynamoSuppressionList } from '../../lib/adapters/dynamo/suppression-list';
import { parseSubscriptionRequest } from '../../lib/subscriptions/subscription-request';
import { makeAddressHasher } from '../../lib/subscriptions/suppression';
import { makeSubscribeToTopics } from '../../lib/use-cases/subscribe-to-topics';
import { startTestTable, viaApi } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

let ids = 0;

function subscribeAt(start: Date) {
  let now = start;
  const subscribers = makeDynamoSubscriberStore(table.db, table.tableName);
  const suppressions = makeDynamoSuppressionList(
    table.db,
    table.tableName,
    makeAddressHasher('test-suppression-salt'),
  );
  const subscribe = makeSubscribeToTopics({
    subscribers,
    deliveries: makeDynamoDeliveryStore(table.db, table.tableName),
    suppressions,
    clock: { now: () => now },
    ids: { newId: () => `id-${++ids}` },
  });
  return {
    subscribers,
    suppressions,
    subscribe: (email: string, topics: string[]) =>
      subscribe(parseSubscriptionRequest({ email, topics }), viaApi),
    subscribeWith: (body: Record<string, unknown>) => subscribe(parseSubscriptionRequest(body), viaApi),
    later: (minutes: number) => {
      now = new Date(now.getTime() + minutes * 60_000);
    },
  };
}

async function confirmationsTo(subscriberId: string) {
  const { Items = [] } = await table.db.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `SUB#${subscriberId}`, ':prefix': 'DELIVERY#CONFIRM#' },
    }),
  );
  return Items.map((item) => (item.topics as { query: string }[]).map((topic) => topic.query));
}

async function confirmationItems(subscriberId: string) {
  const { Items = [] } = await table.db.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `SUB#${subscriberId}`, ':prefix': 'DELIVERY#CONFIRM#' },
    }),
  );
  return Items.sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
}

describe('subscribing', () => {
  it('queues at most one confirmation email per address per 10 minutes', async () => {
    const { subscribe, subscribers, later } = subscribeAt(new Date('2026-12-01T09:00:00Z'));
    // The answer says whether an email was queued, for callers allowed to know (an import's summary).
    expect(await subscribe('eve@example.com', ['quokka'])).toBe(true);
    const subscriber = await subscribers.findByEmail('eve@example.com', new Date('2026-12-01T09:00:00Z'));
    if (!subscriber) throw new Error('no subscriber');
    later(9.9);
    expect(await subscribe('EVE@example.com', ['wombat'])).toBe(false);
    expect(await confirmationsTo(subscriber.id)).toEqual([['quokka']]);
    later(0.1);
    expect(await subscribe('eve@example.com', ['wombat'])).toBe(true);
    expect(await confirmationsTo(subscriber.id)).toEqual([['quokka'], ['wombat']]);
  });

  it('lists every topic a returning subscriber will have, with its own frequency, the new ones marked', async () => {
    const { subscribe, subscribeWith, subscribers, later } = subscribeAt(new Date('2026-12-01T11:00:00Z'));
    await subscribe('hal@example.com', ['quokka', 'wombat']);
    const subscriber = await subscribers.findByEmail('hal@example.com', new Date('2026-12-01T11:00:00Z'));
    if (!subscriber) throw new Error('no subscriber');
    const [first] = await confirmationItems(subscriber.id);
    await subscribers.confirm(subscriber.id, first?.requestId, new Date('2026-12-01T11:01:00Z'), viaApi);

    later(15);
    await subscribeWith({
      email: 'hal@example.com',
      topics: ['numbat', { query: 'wombat', frequency: 'weekly' }],
      digestHour: 18,
      digestWeekday: 'friday',
    });
    const [, second] = await confirmationItems(subscriber.id);
    expect(second).toMatchObject({
      topics: [
        { query: 'quokka', frequency: 'instant', isNew: false },
        { query: 'wombat', frequency: 'weekly', isNew: false },
        { query: 'numbat', frequency: 'instant', isNew: true },
      ],
      digestHour: 18,
      digestWeekday: 'friday',
    });
  });

  it('counts the interval per address: another address is not held up', async () => {
    const { subscribe, subscribers } = subscribeAt(new Date('2026-12-01T10:00:00Z'));
    await subscribe('fay@example.com', ['quokka']);
    await subscribe('gus@example.com', ['quokka']);
    for (const email of ['fay@example.com', 'gus@example.com']) {
      const subscriber = await subscribers.findByEmail(email, new Date('2026-12-01T10:00:00Z'));
      expect(await confirmationsTo(subscriber?.id ?? ''), email).toEqual([['quokka']]);
    }
  });

  it('writes nothing and queues no mail for an address on the suppression list, in any spelling', async () => {
    const { subscribe, subscribers, suppressions } = subscribeAt(new Date('2026-12-01T11:00:00Z'));
    await suppressions.suppress(
      'ida@example.com',
      { reason: 'permanent-bounce', detail: 'bounced', messageId: 'm', feedbackId: 'f' },
      new Date('2026-12-01T10:00:00Z'),
    );
    const items = async () =>
      (await table.db.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [];
    const before = await items();
    await subscribe('Ida@Example.com', ['quokka']);
    expect(await items()).toEqual(before);
    expect(
      await subscribers.findByEmail('ida@example.com', new Date('2026-12-01T11:00:00Z')),
    ).toBeUndefined();
  });

  it('asks a suppressed former subscriber nothing, even once the confirmation interval has passed', async () => {
    const { subscribe, subscribers, suppressions, later } = subscribeAt(new Date('2026-12-01T12:00:00Z'));
    await subscribe('jo@example.com', ['quokka']);
    const subscriber = await subscribers.findByEmail('jo@example.com', new Date('2026-12-01T12:00:00Z'));
    if (!subscriber) throw new Error('no subscriber');
    const feedback = { source: 'ses-feedback' } as const;
    await suppressions.suppress(
      'jo@example.com',
      { reason: 'permanent-bounce', detail: 'bounced', messageId: 'm', feedbackId: 'f' },
      new Date('2026-12-01T12:01:00Z'),
    );
    await subscribers.unsubscribe(subscriber.id, new Date('2026-12-01T12:01:00Z'), feedback, {
      status: 'suppressed',
    });
    later(11);
    const items = async () =>
      (await table.db.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [];
    const before = await items();
    await subscribe('jo@example.com', ['wombat']);
    expect(await items()).toEqual(before);
    expect(await confirmationsTo(subscriber.id)).toEqual([['quokka']]);
  });
});
