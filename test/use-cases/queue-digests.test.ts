import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeDynamoDeliveryStore } from '../../lib/adapters/dynamo/delivery-store';
import { makeDynamoDigestPauseReader } from '../../lib/adapters/dynamo/digest-pause-store';
import { makeDynamoDigestStore } from '../../lib/adapters/dynamo/digest-store';
import { keys } from '../../lib/adapters/dynamo/keys';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import { guardTable, type TableClient } from '../../lib/adapters/dynamo/table-guard';
import { ensureTable } from '../../lib/local/table-setup';
import { functions } from '../../lib/manifest';
import type { DigestDelivery, MatchedTopic } from '../../lib/ports';
import type { Frequency, Weekday } from '../../lib/subscriptions/model';
import { makeQueueDigests } from '../../lib/use-cases/queue-digests';
import { startTestTable, viaApi } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
let raw: DynamoDBClient;
beforeAll(async () => {
  table = await startTestTable();
  raw = new DynamoDBClient(table.clientConfig);
});
afterAll(async () => {
  raw?.destroy();
  await table?.stop();
});
/** A table of its own for each test: a run reads every subscriber due, and earlier tests' would be. */
let tableName = '';
let tables = 0;
beforeEach(async () => {
  tableName = `digests-${++tables}`;
  await ensureTable(raw, tableName);
});

const stores = (db: TableClient = table.db) => ({
  subscribers: makeDynamoSubscriberStore(db, tableName),
  deliveries: makeDynamoDeliveryStore(db, tableName),
  digests: makeDynamoDigestStore(db, tableName),
});

/** The digest job as the digest function composes it: held to its manifest's table access. */
function digestJob(db: TableClient = table.db) {
  const failures: { subscriberId: string; error: unknown }[] = [];
  const guarded = guardTable(db, functions.digest.table, 'digest');
  const run = makeQueueDigests({
    ...stores(guarded),
    digestPause: makeDynamoDigestPauseReader(guarded, tableName),
    clock: { now: () => new Date('2000-01-01T00:00:00Z') },
    log: { failed: (subscriberId, error) => failures.push({ subscriberId, error }) },
  });
  return { run, failures };
}

const confirmedAt = new Date('2026-11-27T09:00:00Z'); // a Friday

/** An active subscriber with one topic per entry of `topics` (`t0`, `t1`, … of those frequencies). */
async function subscriber(
  id: string,
  topics: Frequency[],
  schedule: { timezone?: string; digestHour?: number; digestWeekday?: Weekday } = {},
) {
  const { subscribers } = stores();
  await subscribers.create({
    id,
    email: `${id}@example.com`,
    status: 'pending',
    timezone: schedule.timezone ?? 'UTC',
    digestHour: schedule.digestHour ?? 7,
    ...(schedule.digestWeekday && { digestWeekday: schedule.digestWeekday }),
    createdAt: confirmedAt.toISOString(),
  });
  await subscribers.addTopics(
    topics.map((frequency, i) => ({
      subscriberId: id,
      id: `t${i}`,
      query: `topic${i}`,
      frequency,
      status: 'pending' as const,
      requestId: 'r1',
      createdAt: confirmedAt.toISOString(),
    })),
  );
  await subscribers.confirm(id, 'r1', confirmedAt, viaApi);
}

const matched = (topicId: string): MatchedTopic[] =>
  [{ topicId, query: `query of ${topicId}`, terms: ['word'] }] as unknown as MatchedTopic[];

async function hold(id: string, period: 'daily' | 'weekly', articleId: string, topicId: string, at?: Date) {
  await stores().deliveries.holdForDigest(
    id,
    period,
    { articleId, topics: matched(topicId) },
    at ?? new Date('2026-11-27T12:00:00Z'),
  );
}

async function partition(id: string, prefix: string) {
  const { Items = [] } = await table.db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `SUB#${id}`, ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return Items;
}

const digestsOf = async (id: string) =>
  (await partition(id, 'DELIVERY#DIGEST#')) as unknown as (DigestDelivery & { sk: string })[];
const articlesIn = (digest: DigestDelivery | undefined) => digest?.entries.map((e) => e.articleId);

async function profile(id: string) {
  const { Item } = await table.db.send(
    new GetCommand({ TableName: tableName, Key: keys.profile(id), ConsistentRead: true }),
  );
  return Item;
}

describe('queueing digests at the subscriber’s local hour', () => {
  it('reads only the subscribers due, then files each under their next slot', async () => {
    await subscriber('due-a', ['daily'], { digestHour: 7 });
    await subscriber('due-b', ['daily'], { digestHour: 8 });
    await subscriber('due-tokyo', ['daily'], { timezone: 'Asia/Tokyo', digestHour: 16 });
    for (const id of ['due-a', 'due-b', 'due-tokyo']) await hold(id, 'daily', `story-${id}`, 't0');
    expect((await profile('due-a'))?.gsi1sk).toBe('2026-11-28T07:00:00.000Z#due-a');

    const { run } = digestJob();
    // 07:05 UTC on Saturday: due-a's 07:00, and 16:00 in Tokyo (07:00 UTC); due-b waits for 08:00.
    const summary = await run({ at: new Date('2026-11-28T07:05:00Z') });
    expect(summary).toMatchObject({ due: 2, queued: 2, nothingNew: 0, failed: 0 });
    expect(articlesIn((await digestsOf('due-a'))[0])).toEqual(['story-due-a']);
    expect(await digestsOf('due-b')).toEqual([]);
    expect((await profile('due-a'))?.gsi1sk).toBe('2026-11-29T07:00:00.000Z#due-a');

    // A second run in the same quarter hour finds nobody due.
    expect(await run({ at: new Date('2026-11-28T07:20:00Z') })).toMatchObject({ due: 0, queued: 0 });
    // A day later: due-b's Saturday digest (late, but less than a day), and no digest for the two with
    // nothing new held.
    expect(await run({ at: new Date('2026-11-29T07:05:00Z') })).toMatchObject({
      due: 3,
      queued: 1,
      nothingNew: 2,
    });
    expect((await digestsOf('due-b')).map((d) => d.key)).toEqual(['DIGEST#daily#2026-11-28']);
  });

  it('files the subscriber again whenever their preferences move the next digest', async () => {
    const id = 'moving';
    await subscriber(id, ['instant']);
    expect((await profile(id))?.gsi1pk).toBeUndefined();
    const { subscribers } = stores();
    const weekly = {
      subscriberId: id,
      id: 'w',
      query: 'wombat',
      frequency: 'weekly' as const,
      status: 'active' as const,
      requestId: 'r1',
      createdAt: confirmedAt.toISOString(),
    };
    await subscribers.changeTopics(
      id,
      { add: [weekly], retire: [], detail: 'weekly wombats' },
      confirmedAt,
      viaApi,
    );
    // Mondays at 07:00 UTC by default.
    expect((await profile(id))?.gsi1sk).toBe('2026-11-30T07:00:00.000Z#moving');
    await subscribers.updateSettings(
      id,
      { timezone: 'America/New_York', digestHour: 18, digestWeekday: 'friday' },
      confirmedAt,
      viaApi,
    );
    // Friday 27 November, 18:00 in New York.
    expect((await profile(id))?.gsi1sk).toBe('2026-11-27T23:00:00.000Z#moving');
    await subscribers.changeTopics(
      id,
      { add: [], retire: ['w'], detail: 'no more wombats' },
      confirmedAt,
      viaApi,
    );
    expect((await profile(id))?.gsi1pk).toBeUndefined();
  });

  it('refiles a subscriber from the old digest index under their next slot, without a digest at once', async () => {
    const id = 'legacy';
    await subscriber(id, ['daily'], { digestHour: 7 });
    await hold(id, 'daily', 'old-news', 't0');
    // As the index was before it was sorted by due instant.
    await table.db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.profile(id),
        UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk',
        ExpressionAttributeValues: { ':pk': 'DIGESTS#3', ':sk': id },
      }),
    );
    const { run } = digestJob();
    expect(await run({ at: new Date('2026-11-28T12:00:00Z') })).toMatchObject({ due: 0, queued: 0 });
    expect((await profile(id))?.gsi1sk).toBe('2026-11-29T07:00:00.000Z#legacy');
    expect(await run({ at: new Date('2026-11-29T07:00:00Z') })).toMatchObject({ due: 1, queued: 1 });
  });

  it('keeps a paused subscriber’s stories for after the pause', async () => {
    const id = 'paused';
    await subscriber(id, ['daily']);
    await hold(id, 'daily', 'kept', 't0');
    await stores().subscribers.pause(id, new Date('2026-12-05T00:00:00Z'), confirmedAt, viaApi);
    const { run } = digestJob();
    expect(await run({ at: new Date('2026-11-28T07:00:00Z') })).toMatchObject({
      due: 1,
      paused: 1,
      queued: 0,
    });
    expect(await partition(id, 'PENDING#')).toHaveLength(1);
    expect((await profile(id))?.gsi1sk).toBe('2026-11-29T07:00:00.000Z#paused');
  });

  it('sends one email when the daily and weekly digests fall together, and never a story twice', async () => {
    const id = 'merged';
    // t0 daily, t1 weekly, on Mondays at 07:00 UTC.
    await subscriber(id, ['daily', 'weekly'], { digestWeekday: 'monday' });
    await hold(id, 'daily', 'both', 't0');
    await hold(id, 'weekly', 'both', 't1');
    await hold(id, 'daily', 'daily-only', 't0');
    await hold(id, 'weekly', 'weekly-only', 't1');
    // Already sent as an instant alert: a digest leaves it out.
    await hold(id, 'daily', 'alerted', 't0');
    await stores().deliveries.queueAlert(
      { kind: 'alert', subscriberId: id, key: 'ALERT#alerted', articleId: 'alerted', topics: matched('t0') },
      confirmedAt,
    );
    const { run } = digestJob();

    // Sunday: the daily digest only.
    await run({ at: new Date('2026-11-29T07:01:00Z') });
    const [sunday] = await digestsOf(id);
    expect(sunday).toMatchObject({ key: 'DIGEST#daily#2026-11-29', period: 'daily' });
    expect(articlesIn(sunday)).toEqual(['both', 'daily-only']);

    // Monday: one merged email; the story Sunday's digest listed is not listed again.
    await hold(id, 'daily', 'monday-news', 't0', new Date('2026-11-29T20:00:00Z'));
    const monday = await run({ at: new Date('2026-11-30T07:01:00Z') });
    expect(monday).toMatchObject({ due: 1, queued: 1 });
    const digests = await digestsOf(id);
    expect(digests).toHaveLength(2);
    const weekly = digests.find((d) => d.period === 'weekly');
    expect(weekly).toMatchObject({ key: 'DIGEST#weekly#2026-W49', periodKey: '2026-W49' });
    expect(articlesIn(weekly)?.sort()).toEqual(['monday-news', 'weekly-only']);
    // Nothing left held: what was sent is gone, and so is what was sent before.
    expect(await partition(id, 'PENDING#')).toEqual([]);
  });

  it('carries stories past the cap to the next digest, oldest first, and counts them', async () => {
    const id = 'full';
    await subscriber(id, ['daily']);
    for (let i = 0; i < 53; i++) {
      await hold(
        id,
        'daily',
        `story-${String(52 - i).padStart(2, '0')}`,
        't0',
        new Date(Date.UTC(2026, 10, 27, 10, i)),
      );
    }
    const held = await partition(id, 'PENDING#');
    // No expiry while held: a carried story is never lost to TTL.
    expect(held.filter((item) => item.expiresAt !== undefined)).toEqual([]);
    // One held before held matches stopped expiring: carried, it loses its expiry.
    await table.db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.pendingDigestItem(id, 'daily', 'story-00'),
        UpdateExpression: 'SET expiresAt = :soon',
        ExpressionAttributeValues: { ':soon': 1_800_000_000 },
      }),
    );
    const { run } = digestJob();
    await run({ at: new Date('2026-11-28T07:00:00Z') });
    expect((await partition(id, 'PENDING#daily#story-00'))[0]).not.toHaveProperty('expiresAt');
    const [first] = await digestsOf(id);
    expect(first?.entries).toHaveLength(50);
    expect(first?.remaining).toBe(3);
    // Held from 10:00 on, the first held (story-52) first.
    expect(first?.entries[0]?.articleId).toBe('story-52');
    await run({ at: new Date('2026-11-29T07:00:00Z') });
    const second = (await digestsOf(id)).find((d) => d.periodKey === '2026-11-29');
    expect(articlesIn(second)).toEqual(['story-02', 'story-01', 'story-00']);
    expect(second?.remaining).toBeUndefined();
  });

  it('drops the held matches of a removed topic, and of a subscription that ended, even after re-subscribing', async () => {
    const id = 'leaver';
    await subscriber(id, ['daily', 'daily']);
    await hold(id, 'daily', 'of-removed-topic', 't0');
    await hold(id, 'daily', 'of-kept-topic', 't1');
    const { subscribers } = stores();
    await subscribers.changeTopics(
      id,
      { add: [], retire: ['t0'], detail: 'removed t0' },
      confirmedAt,
      viaApi,
    );
    const expiring = (await partition(id, 'PENDING#')).filter((item) => item.expiresAt !== undefined);
    expect(expiring.map((item) => item.articleId)).toEqual(['of-removed-topic']);
    const { run } = digestJob();
    await run({ at: new Date('2026-11-28T07:00:00Z') });
    expect(articlesIn((await digestsOf(id))[0])).toEqual(['of-kept-topic']);

    await hold(id, 'daily', 'before-leaving', 't1');
    await subscribers.unsubscribe(id, confirmedAt, viaApi);
    expect((await profile(id))?.gsi1pk).toBeUndefined();
    // Back with the same query: a new topic, and only its own matches.
    await subscribers.addTopics([
      {
        subscriberId: id,
        id: 't9',
        query: 'topic1',
        frequency: 'daily',
        status: 'pending',
        requestId: 'r2',
        createdAt: confirmedAt.toISOString(),
      },
    ]);
    await subscribers.confirm(id, 'r2', new Date('2026-11-28T08:00:00Z'), viaApi);
    await hold(id, 'daily', 'after-coming-back', 't9');
    await run({ at: new Date('2026-11-29T07:00:00Z') });
    const latest = (await digestsOf(id)).find((d) => d.periodKey === '2026-11-29');
    expect(articlesIn(latest)).toEqual(['after-coming-back']);
  });

  it('catches up once after an outage, and skips a digest more than a day late', async () => {
    await subscriber('outage-daily', ['daily'], { digestHour: 20 });
    await subscriber('outage-weekly', ['weekly'], { digestWeekday: 'saturday', digestHour: 7 });
    await hold('outage-daily', 'daily', 'missed', 't0');
    await hold('outage-weekly', 'weekly', 'waits', 't0');
    const { run } = digestJob();
    // Down from Friday evening until Sunday 08:00: two daily slots and one weekly slot passed.
    const summary = await run({ at: new Date('2026-11-29T08:00:00Z') });
    expect(summary).toMatchObject({ due: 2, queued: 1, late: 1 });
    const digests = await digestsOf('outage-daily');
    expect(digests.map((d) => d.key)).toEqual(['DIGEST#daily#2026-11-28']);
    expect((await profile('outage-daily'))?.gsi1sk).toBe('2026-11-29T20:00:00.000Z#outage-daily');
    // The weekly one, 25 hours late, is not sent: its story waits, still held, for next Saturday's.
    expect(await digestsOf('outage-weekly')).toEqual([]);
    expect((await profile('outage-weekly'))?.gsi1sk).toBe('2026-12-05T07:00:00.000Z#outage-weekly');
    expect(await partition('outage-weekly', 'PENDING#')).toHaveLength(1);
  });

  it('lets an operator force a digest without using up the scheduled one', async () => {
    const id = 'forced';
    await subscriber(id, ['daily']);
    await hold(id, 'daily', 'early', 't0');
    const { run } = digestJob();
    const forcedAt = new Date('2026-11-28T06:00:00Z');
    expect(await run({ force: true, at: forcedAt })).toMatchObject({ forced: true, queued: 1 });
    expect((await digestsOf(id)).map((d) => d.key)).toEqual([`DIGEST#forced#${forcedAt.toISOString()}`]);
    expect((await profile(id))?.gsi1sk).toBe('2026-11-28T07:00:00.000Z#forced');
    await hold(id, 'daily', 'later', 't0');
    await run({ at: new Date('2026-11-28T07:00:00Z') });
    const scheduled = (await digestsOf(id)).find((d) => d.key === 'DIGEST#daily#2026-11-28');
    expect(articlesIn(scheduled)).toEqual(['later']);
  });

  it('serves every healthy subscriber when one fails, and says whose digest failed', async () => {
    const ids = ['iso-1', 'iso-2', 'iso-corrupt', 'iso-3', 'iso-txn', 'iso-4'];
    for (const id of ids) {
      await subscriber(id, ['daily'], { digestHour: 5 });
      await hold(id, 'daily', `story-${id}`, 't0');
    }
    // A held match no digest can read, planted by hand.
    await table.db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.pendingDigestItem('iso-corrupt', 'daily', 'x'),
          entity: 'held-match',
          topics: 'garbage',
        },
      }),
    );
    // And a subscriber whose digest transaction fails like a dropped connection.
    const failing: TableClient = {
      send: ((command: Parameters<TableClient['send']>[0]) => {
        const items = command instanceof TransactWriteCommand ? (command.input.TransactItems ?? []) : [];
        if (items.some((item) => item.Put?.Item?.subscriberId === 'iso-txn'))
          return Promise.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
        return table.db.send(command);
      }) as TableClient['send'],
    };
    const { run, failures } = digestJob(failing);
    const summary = await run({ at: new Date('2026-11-28T05:00:00Z') });
    expect(summary).toMatchObject({ due: 6, queued: 4, failed: 2 });
    for (const id of ['iso-1', 'iso-2', 'iso-3', 'iso-4'])
      expect(articlesIn((await digestsOf(id))[0]), id).toEqual([`story-${id}`]);
    expect(failures.map((f) => f.subscriberId).sort()).toEqual(['iso-corrupt', 'iso-txn']);
    expect(failures.find((f) => f.subscriberId === 'iso-corrupt')?.error).toMatchObject({
      name: 'CorruptHeldMatchError',
    });
    // The failed ones stay due, so the next run tries them again.
    expect((await profile('iso-txn'))?.gsi1sk).toBe('2026-11-28T05:00:00.000Z#iso-txn');
  });
});
