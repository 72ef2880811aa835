import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lib/adapters/dynamo/keys';
import type { TableClient } from '../../lib/adapters/dynamo/table-guard';
import type { ActiveTopic } from '../../lib/ports';
import type { Topic } from '../../lib/subscriptions/model';
import { startTestTable, subscriberStoreAndIndex, viaApi } from '../support/dynamo';

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
  const store = subscriberStoreAndIndex(table.db, table.tableName);
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
  expect(await store.confirm(subscriberId, 'r1', at, viaApi)).toBe(topicCount);
  return store;
}

async function activeTopicsOf(subscriberId: string): Promise<ActiveTopic[]> {
  const store = subscriberStoreAndIndex(table.db, table.tableName);
  const found: ActiveTopic[] = [];
  for await (const topic of store.listActiveTopics())
    if (topic.subscriberId === subscriberId) found.push(topic);
  return found;
}

describe('unsubscribing a subscriber with more topics than one transaction holds', () => {
  it('stops mail at the first chunk, and a retry after a failure between chunks retires every topic', async () => {
    const store = await activeSubscriber('many-topics', 150);
    expect(await activeTopicsOf('many-topics')).toHaveLength(150);

    const flaky = subscriberStoreAndIndex(failingTransaction(table.db, 2), table.tableName);
    await expect(flaky.unsubscribe('many-topics', new Date('2026-12-01T10:00:00Z'), viaApi)).rejects.toThrow(
      'socket hang up',
    );
    // The first chunk landed: the profile is unsubscribed (so sending skips it) but 60 topics are still active.
    expect((await store.get('many-topics'))?.status).toBe('unsubscribed');
    expect(await activeTopicsOf('many-topics')).toHaveLength(60);

    // The retry (the same link clicked again, or the Lambda retry) finishes the job.
    expect(await store.unsubscribe('many-topics', new Date('2026-12-01T10:01:00Z'), viaApi)).toBe(false);
    expect(await activeTopicsOf('many-topics')).toEqual([]);
    // Warm matchers learn of every retirement, from either attempt, where they look for changes.
    const changesOf = async (since: string) => {
      const changes = [];
      for await (const change of store.topicChangesSince(since)) {
        if (change.topic.subscriberId === 'many-topics') changes.push(`${change.change} ${change.at}`);
      }
      return changes.sort();
    };
    expect(await changesOf('2026-12-01T09:30:00.000Z')).toEqual([
      ...Array(90).fill('retired 2026-12-01T10:00:00.000Z'),
      ...Array(60).fill('retired 2026-12-01T10:01:00.000Z'),
    ]);

    // Once complete, another retry changes nothing.
    expect(await store.unsubscribe('many-topics', new Date('2026-12-01T10:02:00Z'), viaApi)).toBe(false);
    expect(await changesOf('2026-12-01T10:02:00.000Z')).toEqual([]);
  });
});

async function request(
  subscriberId: string,
  requestId: string,
  queries: [string, Topic['frequency']][],
  at: Date,
) {
  const store = subscriberStoreAndIndex(table.db, table.tableName);
  await store.addTopics(
    queries.map(([query, frequency], i) => ({
      subscriberId,
      id: `${requestId}-${i}`,
      query,
      frequency,
      status: 'pending',
      requestId,
      createdAt: at.toISOString(),
    })),
  );
  return store;
}

describe('confirming a further request', () => {
  it('keeps one topic per query: a repeat is dropped, a new frequency replaces the old topic', async () => {
    const store = await activeSubscriber('repeats', 0);
    const at = new Date('2026-12-01T11:00:00Z');
    await request('repeats', 'r2', [['quokka', 'instant']], at);
    expect(await store.confirm('repeats', 'r2', at, viaApi)).toBe(1);

    await request(
      'repeats',
      'r3',
      [
        [' quokka ', 'instant'],
        ['wombat', 'instant'],
      ],
      at,
    );
    expect(await store.confirm('repeats', 'r3', at, viaApi)).toBe(1);
    expect((await activeTopicsOf('repeats')).map((t) => t.query).sort()).toEqual(['quokka', 'wombat']);

    await request('repeats', 'r4', [['quokka', 'daily']], at);
    expect(await store.confirm('repeats', 'r4', at, viaApi)).toBe(1);
    const active = await activeTopicsOf('repeats');
    expect(active.filter((t) => t.query === 'quokka')).toEqual([
      expect.objectContaining({ topicId: 'r4-0', frequency: 'daily' }),
    ]);
    expect(active).toHaveLength(2);
    // The replaced topic went to the retired index, so warm matchers drop it.
    const retired = [];
    for await (const change of store.topicChangesSince('2026-12-01T10:59:00.000Z')) {
      if (change.topic.subscriberId === 'repeats' && change.change === 'retired')
        retired.push(change.topic.topicId);
    }
    expect(retired).toEqual(['r2-0']);
  });

  it('applies the time zone and digest hour of the confirmed request, and not of an unconfirmed one', async () => {
    const store = await activeSubscriber('returning', 1);
    const at = new Date('2026-12-01T12:00:00Z');
    await store.unsubscribe('returning', at, viaApi);

    await store.recordRequest(
      'returning',
      'r2',
      { timezone: 'Asia/Tokyo', digestHour: 18, digestWeekday: 'friday' },
      at,
      viaApi,
    );
    await request('returning', 'r2', [['platypus', 'daily']], at);
    expect(await store.get('returning')).toMatchObject({
      status: 'unsubscribed',
      timezone: 'UTC',
      digestHour: 7,
    });
    expect(await store.confirm('returning', 'r2', at, viaApi)).toBe(1);
    expect(await store.get('returning')).toMatchObject({
      status: 'active',
      timezone: 'Asia/Tokyo',
      digestHour: 18,
      digestWeekday: 'friday',
    });

    // A later request nobody confirms changes nothing.
    await store.recordRequest(
      'returning',
      'r3',
      { timezone: 'Europe/Paris', digestHour: 6, digestWeekday: 'monday' },
      at,
      viaApi,
    );
    await request('returning', 'r3', [['echidna', 'weekly']], at);
    expect(await store.get('returning')).toMatchObject({
      timezone: 'Asia/Tokyo',
      digestHour: 18,
      digestWeekday: 'friday',
    });
  });
});

describe('the topic limit', () => {
  it('activates only what fits when a returning reader asks for more; a changed frequency always fits', async () => {
    const store = await activeSubscriber('limited', 4);
    const at = new Date('2026-12-01T16:00:00Z');
    await request(
      'limited',
      'r2',
      [
        ['topic0', 'weekly'],
        ['wombat', 'instant'],
        ['numbat', 'instant'],
      ],
      at,
    );
    // Five topics at most: topic0 changes frequency (still four), wombat makes five, numbat does not fit.
    expect(await store.confirm('limited', 'r2', at, viaApi, 5)).toBe(2);
    const active = (await store.listTopics('limited')).filter((topic) => topic.status === 'active');
    expect(active.map((topic) => `${topic.query}:${topic.frequency}`).sort()).toEqual([
      'topic0:weekly',
      'topic1:instant',
      'topic2:instant',
      'topic3:instant',
      'wombat:instant',
    ]);
  });
});

describe('erasing a subscriber', () => {
  it('finishes after a crash part-way: a second erase deletes what the first left', async () => {
    const store = await activeSubscriber('erasing', 150);
    const at = new Date('2026-12-01T15:00:00Z');
    await store.unsubscribe('erasing', at, viaApi);
    const partition = async () => {
      const { Items = [] } = await table.db.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'SUB#erasing' },
        }),
      );
      return Items;
    };
    // 150 topic markers, the consent lines and the claim take two transactions before the profile's own.
    const flaky = subscriberStoreAndIndex(failingTransaction(table.db, 2), table.tableName);
    await expect(flaky.erase('erasing', at)).rejects.toThrow('socket hang up');
    expect(await store.get('erasing')).toBeDefined();

    await store.erase('erasing', at);
    expect(await store.get('erasing')).toBeUndefined();
    const left = await partition();
    expect(left).toHaveLength(150);
    expect(left.every((item) => item.entity === 'topic' && item.query === undefined)).toBe(true);
    const { Item: claim } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: keys.email('erasing@example.com') }),
    );
    expect(claim).toBeUndefined();
  });
});

describe('the consent ledger', () => {
  it('records each transition once, with its source, client address and user agent, oldest first', async () => {
    const store = subscriberStoreAndIndex(table.db, table.tableName);
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 13, minute));
    await store.create({
      id: 'ledger',
      email: 'ledger@example.com',
      status: 'pending',
      timezone: 'UTC',
      digestHour: 7,
      createdAt: at(0).toISOString(),
    });
    const browser = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' };
    await store.recordRequest(
      'ledger',
      'r1',
      { timezone: 'UTC', digestHour: 7, digestWeekday: 'monday' },
      at(0),
      {
        source: 'form',
        ...browser,
      },
    );
    await request('ledger', 'r1', [['wombat', 'instant']], at(0));
    await store.confirm('ledger', 'r1', at(5), { source: 'email-link', ...browser });
    // Confirming again and unsubscribing twice change nothing the second time, so they record nothing.
    await store.confirm('ledger', 'r1', at(6), { source: 'email-link', ...browser });
    await store.unsubscribe('ledger', at(9), { source: 'one-click' });
    await store.unsubscribe('ledger', at(10), { source: 'one-click' });

    expect(await store.consentHistory('ledger')).toEqual([
      { at: at(0).toISOString(), action: 'requested', source: 'form', ...browser },
      {
        at: at(5).toISOString(),
        action: 'confirmed',
        source: 'email-link',
        ...browser,
        detail: 'request r1: wombat',
      },
      { at: at(9).toISOString(), action: 'unsubscribed', source: 'one-click' },
    ]);
  });

  it('writes the line with the change or not at all: a failed unsubscribe leaves no line claiming it', async () => {
    const store = await activeSubscriber('ledger-fail', 1);
    const flaky = subscriberStoreAndIndex(failingTransaction(table.db, 1), table.tableName);
    await expect(flaky.unsubscribe('ledger-fail', new Date('2026-12-01T14:00:00Z'), viaApi)).rejects.toThrow(
      'socket hang up',
    );
    expect((await store.get('ledger-fail'))?.status).toBe('active');
    expect((await store.consentHistory('ledger-fail')).map((line) => line.action)).toEqual(['confirmed']);
  });
});

describe('ending a subscription because the address is suppressed', () => {
  const feedback = { source: 'ses-feedback' } as const;

  it('retires every topic like an unsubscribe, records why, and stays suppressed after a later unsubscribe', async () => {
    const store = await activeSubscriber('bounced', 3);
    const at = new Date('2026-12-01T15:00:00Z');
    const detail = 'SES permanent bounce (General) of message m-1';
    expect(await store.unsubscribe('bounced', at, feedback, { status: 'suppressed', detail })).toBe(true);
    expect(await store.get('bounced')).toMatchObject({
      status: 'suppressed',
      suppressedAt: at.toISOString(),
    });
    expect(await activeTopicsOf('bounced')).toEqual([]);
    const retired = [];
    for await (const change of store.topicChangesSince(at.toISOString())) {
      if (change.topic.subscriberId === 'bounced') retired.push(change.change);
    }
    expect(retired).toEqual(['retired', 'retired', 'retired']);

    // Neither the same notification again nor the reader's own unsubscribe changes anything now.
    expect(await store.unsubscribe('bounced', at, feedback, { status: 'suppressed', detail })).toBe(false);
    expect(await store.unsubscribe('bounced', at, viaApi)).toBe(false);
    expect((await store.get('bounced'))?.status).toBe('suppressed');
    expect(
      (await store.consentHistory('bounced')).map(({ action, source, detail }) => ({
        action,
        source,
        detail,
      })),
    ).toEqual([
      { action: 'confirmed', source: 'api', detail: 'request r1: topic0; topic1; topic2' },
      { action: 'suppressed', source: 'ses-feedback', detail },
    ]);
  });

  it('suppresses a subscriber who had already unsubscribed, with its own consent line', async () => {
    const store = await activeSubscriber('left-then-bounced', 1);
    await store.unsubscribe('left-then-bounced', new Date('2026-12-01T15:10:00Z'), viaApi);
    expect(
      await store.unsubscribe('left-then-bounced', new Date('2026-12-01T15:11:00Z'), feedback, {
        status: 'suppressed',
      }),
    ).toBe(true);
    expect((await store.get('left-then-bounced'))?.status).toBe('suppressed');
    expect((await store.consentHistory('left-then-bounced')).map((line) => line.action)).toEqual([
      'confirmed',
      'unsubscribed',
      'suppressed',
    ]);
  });

  it('writes one consent line when several endings race for the same subscriber', async () => {
    const store = await activeSubscriber('racing', 2);
    const at = new Date('2026-12-01T15:20:00Z');
    const results = await Promise.all([
      store.unsubscribe('racing', at, feedback, { status: 'suppressed', detail: 'first' }),
      store.unsubscribe('racing', at, feedback, { status: 'suppressed', detail: 'second' }),
      store.unsubscribe('racing', at, feedback, { status: 'suppressed', detail: 'third' }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const lines = (await store.consentHistory('racing')).filter((line) => line.action === 'suppressed');
    expect(lines).toHaveLength(1);
    expect(await activeTopicsOf('racing')).toEqual([]);
  });
});

describe('a subscription nobody confirms', () => {
  const day = 86_400;
  const raw = async (key: { pk: string; sk: string }) =>
    (await table.db.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item;

  async function pending(id: string, email: string, at: Date) {
    const store = subscriberStoreAndIndex(table.db, table.tableName);
    expect(
      await store.create({
        id,
        email,
        status: 'pending',
        timezone: 'UTC',
        digestHour: 7,
        createdAt: at.toISOString(),
      }),
    ).toBe('created');
    await request(id, 'r1', [['kiwi', 'instant']], at);
    return store;
  }

  it('expires with its link, profile, address claim and topics alike, until it is confirmed', async () => {
    const at = new Date('2026-12-01T08:00:00Z');
    const store = await pending('lapsing', 'lapsing@example.com', at);
    const expiry = at.getTime() / 1000 + 7 * day;
    expect((await raw(keys.profile('lapsing')))?.expiresAt).toBe(expiry);
    expect((await raw(keys.email('lapsing@example.com')))?.expiresAt).toBe(expiry);
    expect((await raw(keys.topic('lapsing', 'r1-0')))?.expiresAt).toBe(expiry);

    expect(await store.confirm('lapsing', 'r1', new Date('2026-12-02T08:00:00Z'), viaApi)).toBe(1);
    expect(await raw(keys.profile('lapsing'))).not.toHaveProperty('expiresAt');
    expect(await raw(keys.email('lapsing@example.com'))).not.toHaveProperty('expiresAt');
    expect(await raw(keys.topic('lapsing', 'r1-0'))).not.toHaveProperty('expiresAt');
    // A later request cannot put the expiry back on a confirmed subscriber.
    const confirmed = await store.get('lapsing');
    if (!confirmed) throw new Error('gone');
    await store.keepPending(confirmed, new Date('2026-12-03T08:00:00Z'));
    expect(await raw(keys.profile('lapsing'))).not.toHaveProperty('expiresAt');
    expect(await raw(keys.email('lapsing@example.com'))).not.toHaveProperty('expiresAt');
  });

  it('lets the address go once lapsed, even before the TTL has removed the items', async () => {
    const at = new Date('2026-12-01T08:00:00Z');
    const store = await pending('old-pending', 'reuse@example.com', at);
    const later = new Date(at.getTime() + 8 * day * 1000);
    expect((await store.findByEmail('reuse@example.com', new Date(at.getTime() + 6 * day * 1000)))?.id).toBe(
      'old-pending',
    );
    expect(await store.findByEmail('reuse@example.com', later)).toBeUndefined();
    expect(
      await store.create({
        id: 'new-pending',
        email: 'reuse@example.com',
        status: 'pending',
        timezone: 'UTC',
        digestHour: 7,
        createdAt: later.toISOString(),
      }),
    ).toBe('created');
    expect((await store.findByEmail('reuse@example.com', later))?.id).toBe('new-pending');
  });

  it('is kept as long as the newest request’s link works', async () => {
    const at = new Date('2026-12-01T08:00:00Z');
    const store = await pending('asks-again', 'again@example.com', at);
    const subscriber = await store.get('asks-again');
    if (!subscriber) throw new Error('gone');
    const again = new Date(at.getTime() + 5 * day * 1000);
    await store.keepPending(subscriber, again);
    const until = again.getTime() / 1000 + 7 * day;
    expect((await raw(keys.profile('asks-again')))?.expiresAt).toBe(until);
    expect((await raw(keys.email('again@example.com')))?.expiresAt).toBe(until);
  });
});
