import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../lib/errors';
import { FeedUrlNotAllowedError } from '../../lib/feeds/errors';
import type { Feed } from '../../lib/feeds/feed';
import type { FeedStore, FeedUrlCheck } from '../../lib/ports';
import { makeRegisterFeed, makeResumeFeed } from '../../lib/use-cases/manage-feeds';

/** Records which store calls were made: what is tested is what the use cases do before touching it. */
function recordingStore() {
  const calls: string[] = [];
  const feeds = new Map<string, Feed>();
  const store: FeedStore = {
    async register(feed) {
      calls.push(`register ${feed.id}`);
      const existing = feeds.get(feed.id);
      if (existing) return { feed: existing, created: false };
      feeds.set(feed.id, feed);
      return { feed, created: true };
    },
    async get(id) {
      calls.push(`get ${id}`);
      return feeds.get(id);
    },
    async list() {
      return [...feeds.values()];
    },
    async listActive() {
      return [];
    },
    async recordPoll() {
      return true;
    },
    async resume(id) {
      calls.push(`resume ${id}`);
      const feed = feeds.get(id);
      if (!feed) return undefined;
      const resumed = { ...feed, status: 'active' as const, consecutiveFailures: 0 };
      feeds.set(id, resumed);
      return resumed;
    },
  };
  return { store, calls };
}

const clock = { now: () => new Date('2026-12-03T08:00:00Z') };
const refuseIntranet: FeedUrlCheck = {
  async assertAllowed(url) {
    if (url.includes('intranet')) throw new FeedUrlNotAllowedError(`${url} is not public.`);
  },
};

describe('registerFeed', () => {
  it('registers once, and gives the same record to a second registration of the same URL', async () => {
    const { store } = recordingStore();
    const register = makeRegisterFeed({ feeds: store, urlCheck: refuseIntranet, clock });
    const first = await register({ url: 'https://lighthouse.example/rss', timezone: 'Europe/Dublin' });
    expect(first.created).toBe(true);
    expect(first.feed).toMatchObject({
      url: 'https://lighthouse.example/rss',
      timezone: 'Europe/Dublin',
      status: 'active',
      consecutiveFailures: 0,
      itemsStored: 0,
      createdAt: '2026-12-03T08:00:00.000Z',
    });
    const second = await register({ url: 'https://lighthouse.example/rss' });
    expect(second).toEqual({ feed: first.feed, created: false });
  });

  it('stores nothing for a URL the address check refuses', async () => {
    const { store, calls } = recordingStore();
    const register = makeRegisterFeed({ feeds: store, urlCheck: refuseIntranet, clock });
    await expect(register({ url: 'http://intranet.example/rss' })).rejects.toBeInstanceOf(
      FeedUrlNotAllowedError,
    );
    expect(calls).toEqual([]);
  });
});

describe('resumeFeed', () => {
  it('answers 404 for an id no feed can have without reading anything, and for an unknown one', async () => {
    const { store, calls } = recordingStore();
    const resume = makeResumeFeed({ feeds: store, clock });
    for (const id of [undefined, 'not-an-id', '../FEEDS', 'A'.repeat(24)]) {
      await expect(resume(id)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(calls).toEqual([]);
    await expect(resume('0'.repeat(24))).rejects.toThrow('There is no feed with that id.');
    expect(calls).toEqual([`resume ${'0'.repeat(24)}`]);
  });
});
