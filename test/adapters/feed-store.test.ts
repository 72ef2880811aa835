import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoFeedStore } from '../../lib/adapters/dynamo/feed-store';
import { guardTable } from '../../lib/adapters/dynamo/table-guard';
import { newFeed } from '../../lib/feeds/feed';
import { functions } from '../../lib/manifest';
import type { FeedStore } from '../../lib/ports';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
/** As the feeds function may use the table (register, list, resume) and as the poll function may. */
let api: FeedStore;
let poller: FeedStore;

beforeAll(async () => {
  table = await startTestTable();
  api = makeDynamoFeedStore(guardTable(table.db, functions.feeds.table, 'feeds'), table.tableName);
  poller = makeDynamoFeedStore(guardTable(table.db, functions.poll.table, 'poll'), table.tableName);
});
afterAll(async () => {
  await table?.stop();
});

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 9, minute));
const feed = (path: string, minute = 0) =>
  newFeed({ url: `https://almanac.example/${path}`, sourceName: 'Almanac' }, at(minute));

describe('the DynamoDB feed store', () => {
  it('registers a feed once: a second registration of its id gets the first record back', async () => {
    const first = feed('weather.xml', 0);
    expect(await api.register(first)).toEqual({ feed: first, created: true });
    const again = await api.register({ ...feed('weather.xml', 5), sourceName: 'Someone else' });
    expect(again).toEqual({ feed: first, created: false });
    // Without a read: the refused put itself returns the record that holds the id.
    const createOnly = makeDynamoFeedStore(
      guardTable(table.db, { create: ['feed'] }, 'create-only test client', {
        kind: 'client',
        declaredIn: 'this test',
      }),
      table.tableName,
    );
    expect(await createOnly.register(feed('weather.xml', 9))).toEqual({ feed: first, created: false });
    expect(await api.get(first.id)).toEqual(first);
    expect(await api.get('0'.repeat(24))).toBeUndefined();
  });

  it('lists every feed, oldest registration first, and the active ones least recently polled first', async () => {
    const tides = feed('tides.xml', 1);
    const crops = feed('crops.xml', 2);
    await api.register(crops);
    await api.register(tides);
    const weather = (await api.list())[0];
    expect((await api.list()).map((f) => f.url)).toEqual([
      'https://almanac.example/weather.xml',
      'https://almanac.example/tides.xml',
      'https://almanac.example/crops.xml',
    ]);
    // Never polled, all three: then each poll moves a feed to the back.
    expect(await poller.recordPoll(tides.id, { kind: 'success', at: at(10), itemsStored: 2 })).toBe(true);
    expect(await poller.recordPoll(weather?.id ?? '', { kind: 'success', at: at(11), itemsStored: 0 })).toBe(
      true,
    );
    expect((await poller.listActive()).map((f) => f.url)).toEqual([
      'https://almanac.example/crops.xml',
      'https://almanac.example/tides.xml',
      'https://almanac.example/weather.xml',
    ]);
  });

  it('keeps the validators of a new body, drops one the server stopped sending, and keeps them on a 304', async () => {
    const almanac = feed('sky.xml');
    await api.register(almanac);
    await poller.recordPoll(almanac.id, {
      kind: 'success',
      at: at(20),
      itemsStored: 3,
      validators: { etag: '"moon-1"', lastModified: 'Thu, 03 Dec 2026 09:20:00 GMT' },
    });
    await poller.recordPoll(almanac.id, { kind: 'success', at: at(35), itemsStored: 0 });
    expect(await api.get(almanac.id)).toMatchObject({
      etag: '"moon-1"',
      lastModified: 'Thu, 03 Dec 2026 09:20:00 GMT',
      itemsStored: 3,
      lastPolledAt: at(35).toISOString(),
    });
    await poller.recordPoll(almanac.id, {
      kind: 'success',
      at: at(50),
      itemsStored: 1,
      validators: { lastModified: 'Thu, 03 Dec 2026 09:50:00 GMT' },
    });
    const stored = await api.get(almanac.id);
    expect(stored).toMatchObject({ lastModified: 'Thu, 03 Dec 2026 09:50:00 GMT', itemsStored: 4 });
    expect(stored?.etag).toBeUndefined();
  });

  it('counts failures, pauses a feed off the poll index, and resumes it first in line', async () => {
    const stars = feed('stars.xml');
    await api.register(stars);
    const fail = (previousFailures: number, pause: boolean, minute: number) =>
      poller.recordPoll(stars.id, {
        kind: 'failure',
        at: at(minute),
        error: `The feed answered HTTP 50${previousFailures}.`,
        previousFailures,
        pause,
      });
    expect(await fail(0, false, 1)).toBe(true);
    // A poll that read a count since changed writes nothing.
    expect(await fail(0, false, 2)).toBe(false);
    expect(await api.get(stars.id)).toMatchObject({
      consecutiveFailures: 1,
      lastError: 'The feed answered HTTP 500.',
      lastErrorAt: at(1).toISOString(),
      status: 'active',
    });
    expect(await fail(1, true, 3)).toBe(true);
    const paused = await api.get(stars.id);
    expect(paused).toMatchObject({ status: 'paused', consecutiveFailures: 2, pausedAt: at(3).toISOString() });
    expect((await poller.listActive()).map((f) => f.id)).not.toContain(stars.id);
    // A paused feed takes no poll record.
    expect(await poller.recordPoll(stars.id, { kind: 'success', at: at(4), itemsStored: 9 })).toBe(false);

    const resumed = await api.resume(stars.id, at(30));
    expect(resumed).toMatchObject({ status: 'active', consecutiveFailures: 0, itemsStored: 0 });
    expect(resumed?.pausedAt).toBeUndefined();
    expect((await poller.listActive())[0]?.id).toBe(stars.id);
    expect(await api.resume('f'.repeat(24), at(30))).toBeUndefined();
    expect(await api.get('f'.repeat(24))).toBeUndefined();
  });
});
