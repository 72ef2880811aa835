import { describe, expect, it } from 'vitest';
import type { Article } from '../../lib/articles';
import { parseFeed } from '../../lib/articles/feed';
import { detectLanguage } from '../../lib/articles/language';
import { FeedFetchError } from '../../lib/feeds/errors';
import { type Feed, newFeed, PAUSE_AFTER_FAILURES } from '../../lib/feeds/feed';
import type {
  ArticleWriter,
  FeedFetcher,
  FeedResponse,
  FeedStore,
  FeedValidators,
  StoryFinder,
} from '../../lib/ports';
import { makeIngestFeed } from '../../lib/use-cases/ingest-articles';
import { makePollFeeds } from '../../lib/use-cases/poll-feeds';
import { rssFeed } from '../support/feed-server';

/** Feeds in a map, with the store's rules: a poll's record applies to an active feed with the count it read. */
function memoryFeeds(): FeedStore & { byId: Map<string, Feed> } {
  const byId = new Map<string, Feed>();
  const polledAt = (f: Feed) => f.lastPolledAt ?? '0';
  return {
    byId,
    async register(feed) {
      const existing = byId.get(feed.id);
      if (existing) return { feed: existing, created: false };
      byId.set(feed.id, feed);
      return { feed, created: true };
    },
    async get(id) {
      return byId.get(id);
    },
    async list() {
      return [...byId.values()];
    },
    async listActive() {
      return [...byId.values()]
        .filter((f) => f.status === 'active')
        .sort((a, b) => polledAt(a).localeCompare(polledAt(b)));
    },
    async recordPoll(id, outcome) {
      const feed = byId.get(id);
      if (feed?.status !== 'active') return false;
      const at = outcome.at.toISOString();
      if (outcome.kind === 'success') {
        const { etag: _e, lastModified: _l, ...rest } = feed;
        byId.set(id, {
          ...(outcome.validators ? rest : feed),
          ...outcome.validators,
          lastPolledAt: at,
          lastSuccessAt: at,
          consecutiveFailures: 0,
          itemsStored: feed.itemsStored + outcome.itemsStored,
        });
        return true;
      }
      if (feed.consecutiveFailures !== outcome.previousFailures) return false;
      byId.set(id, {
        ...feed,
        lastPolledAt: at,
        lastError: outcome.error,
        lastErrorAt: at,
        consecutiveFailures: feed.consecutiveFailures + 1,
        ...(outcome.pause && { status: 'paused', pausedAt: at }),
      });
      return true;
    },
    async resume(id) {
      return byId.get(id);
    },
  };
}

/** Stores articles in a list; every story is its own (the story lookup is tested with the ingest path). */
function memoryArticles(): ArticleWriter & StoryFinder & { stored: Article[]; failing: boolean } {
  const self = {
    stored: [] as Article[],
    failing: false,
    async storedVersions(ids: readonly string[]) {
      return new Map(
        self.stored.filter((a) => ids.includes(a.id)).map((a) => [a.id, a.publishedAt] as const),
      );
    },
    async putIfAbsent(article: Article) {
      if (self.failing) throw new Error('ProvisionedThroughputExceededException');
      if (self.stored.some((a) => a.id === article.id)) return 'duplicate' as const;
      self.stored.push(article);
      return 'stored' as const;
    },
    async reviseIfNewer() {
      return 'duplicate' as const;
    },
    async findStory() {
      return undefined;
    },
  };
  return self;
}

/** Answers each URL from a table a test changes as it goes, recording the validators each request sent. */
function scriptedFetcher() {
  const answers = new Map<string, (validators: FeedValidators) => FeedResponse>();
  const calls: { url: string; validators: FeedValidators }[] = [];
  const fetcher: FeedFetcher = {
    async fetch(url, validators) {
      calls.push({ url, validators });
      const answer = answers.get(url);
      if (!answer) throw new FeedFetchError('The feed could not be fetched: ECONNREFUSED.');
      return answer(validators);
    },
  };
  return { fetcher, answers, calls };
}

function setUp(options: { feedBudgetMs?: number; concurrency?: number } = {}) {
  let now = new Date('2026-12-03T06:00:00Z');
  const clock = { now: () => now };
  const feeds = memoryFeeds();
  const articles = memoryArticles();
  const { fetcher, answers, calls } = scriptedFetcher();
  const internal: string[] = [];
  const poll = makePollFeeds({
    feeds,
    fetcher,
    parseFeed,
    ingestFeed: makeIngestFeed({
      articles,
      stories: articles,
      clock,
      languageDetector: async () => detectLanguage,
      sourceZones: new Map(),
      retentionDays: 90,
    }),
    clock,
    feedBudgetMs: options.feedBudgetMs ?? 30_000,
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    onInternalError: (feed, error) => internal.push(`${feed.url}: ${(error as Error).message}`),
  });
  const register = async (url: string, sourceName?: string, timezone?: string) =>
    (
      await feeds.register(
        newFeed({ url, ...(sourceName && { sourceName }), ...(timezone && { timezone }) }, now),
      )
    ).feed;
  const run = (inMs = 600_000) => poll(new Date(now.getTime() + inMs));
  const later = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };
  return { feeds, articles, answers, calls, internal, register, run, later };
}

const ok = (body: string, etag?: string): FeedResponse => ({ status: 'ok', body, ...(etag && { etag }) });

describe('pollFeeds', () => {
  it('reads the items’ times without a zone in the feed’s zone, and leaves the others as they say', async () => {
    const t = setUp();
    const feed = await t.register('https://paris.example/rss', 'Le Quotidien', 'Europe/Paris');
    const item = (title: string, pubDate: string) =>
      `<item><title>${title}</title><link>https://paris.example/${title}</link><pubDate>${pubDate}</pubDate><description>${title}: the tram line opens to riders this week.</description></item>`;
    t.answers.set(feed.url, () =>
      ok(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Paris</title>${item('zoneless', 'Mon, 14 Jul 2025 10:00')}${item('zoned', 'Mon, 14 Jul 2025 10:00 GMT')}</channel></rss>`,
      ),
    );
    await t.run();
    const byTitle = new Map(t.articles.stored.map((a) => [a.title, a]));
    // Paris is two hours ahead of UTC in July.
    expect(byTitle.get('zoneless')).toMatchObject({
      publishedAt: '2025-07-14T08:00:00.000Z',
      publishedZone: 'Europe/Paris',
      publishedZoneSource: 'article',
    });
    expect(byTitle.get('zoned')?.publishedAt).toBe('2025-07-14T10:00:00.000Z');
  });

  it('stores a new body, keeps its validators, and sends them back next time to get a 304 that stores nothing', async () => {
    const t = setUp();
    const feed = await t.register('https://mill.example/rss');
    t.answers.set(feed.url, (v) =>
      v.etag === '"w1"'
        ? { status: 'not-modified' }
        : ok(rssFeed('Mill Weekly', ['Wheel turns', 'Flour sold out']), '"w1"'),
    );
    expect(await t.run()).toMatchObject({ feeds: 1, updated: 1, storedItems: 2, failed: 0 });
    expect(t.articles.stored.map((a) => a.title).sort()).toEqual(['Flour sold out', 'Wheel turns']);
    expect(t.feeds.byId.get(feed.id)).toMatchObject({ etag: '"w1"', itemsStored: 2, consecutiveFailures: 0 });

    t.later(15);
    expect(await t.run()).toMatchObject({ notModified: 1, updated: 0, storedItems: 0 });
    expect(t.calls.at(-1)?.validators).toEqual({ etag: '"w1"' });
    expect(t.articles.stored).toHaveLength(2);
    expect(t.feeds.byId.get(feed.id)?.lastPolledAt).toBe('2026-12-03T06:15:00.000Z');
  });

  it("fills the feed's source name into items that name no source of their own", async () => {
    const t = setUp();
    const feed = await t.register('https://quarry.example/atom', 'Quarry Bulletin');
    // An Atom feed without a <title> of its own, one entry with an author.
    t.answers.set(feed.url, () =>
      ok(`<feed xmlns="http://www.w3.org/2005/Atom">
        <entry><title>Blasting schedule</title><link href="https://quarry.example/blasting"/><summary>Blasting moves to Thursdays.</summary></entry>
        <entry><title>New crusher</title><link href="https://quarry.example/crusher"/><author><name>Site Office</name></author><summary>The new crusher arrived on a convoy.</summary></entry>
      </feed>`),
    );
    await t.run();
    const sources = Object.fromEntries(t.articles.stored.map((a) => [a.title, a.source]));
    expect(sources).toEqual({ 'Blasting schedule': 'Quarry Bulletin', 'New crusher': 'Site Office' });
  });

  it(`counts failures in a row, pauses the feed at the ${PAUSE_AFTER_FAILURES}th, and keeps polling the others`, async () => {
    const t = setUp();
    const broken = await t.register('https://broken.example/rss');
    const healthy = await t.register('https://healthy.example/rss');
    let story = 0;
    t.answers.set(healthy.url, () => ok(rssFeed('Healthy Herald', [`Story ${++story}`])));
    t.answers.set(broken.url, () => {
      throw new FeedFetchError('The feed answered HTTP 502.');
    });
    for (let run = 1; run < PAUSE_AFTER_FAILURES; run++) {
      expect(await t.run()).toMatchObject({ failed: 1, updated: 1, paused: 0 });
      t.later(15);
    }
    expect(t.feeds.byId.get(broken.id)).toMatchObject({
      status: 'active',
      consecutiveFailures: 4,
      lastError: 'The feed answered HTTP 502.',
    });
    expect(await t.run()).toMatchObject({ failed: 0, paused: 1, updated: 1 });
    expect(t.feeds.byId.get(broken.id)).toMatchObject({ status: 'paused', consecutiveFailures: 5 });

    t.later(15);
    const callsBefore = t.calls.filter((c) => c.url === broken.url).length;
    expect(await t.run()).toMatchObject({ feeds: 1, updated: 1 });
    expect(t.calls.filter((c) => c.url === broken.url)).toHaveLength(callsBefore);
    expect(t.articles.stored).toHaveLength(6);
  });

  it('resets the count on a success, so only failures in a row pause', async () => {
    const t = setUp();
    const flaky = await t.register('https://flaky.example/rss');
    let run = 0;
    t.answers.set(flaky.url, () => {
      run++;
      if (run % 4 === 0) return ok(rssFeed('Flaky Times', [`Good day ${run}`]));
      throw new FeedFetchError('The feed did not answer in full within 10 seconds.');
    });
    for (let i = 0; i < 10; i++) {
      await t.run();
      t.later(15);
    }
    expect(t.feeds.byId.get(flaky.id)).toMatchObject({ status: 'active', consecutiveFailures: 2 });
  });

  it('counts a body that is no feed, or has nothing storable, as a failure with its reason', async () => {
    const t = setUp();
    const html = await t.register('https://html.example/');
    const empty = await t.register('https://empty.example/rss');
    t.answers.set(html.url, () => ok('<html><body>Welcome</body></html>'));
    t.answers.set(empty.url, () =>
      ok(
        '<rss version="2.0"><channel><title>Empty</title><item><title>No text</title></item></channel></rss>',
      ),
    );
    expect(await t.run()).toMatchObject({ failed: 2 });
    expect(t.feeds.byId.get(html.id)?.lastError).toMatch(/root element is <html>/);
    expect(t.feeds.byId.get(empty.id)?.lastError).toMatch(/^None of the feed's 1 items can be stored/);
  });

  it('keeps the old validators when storing the items fails on our side, so the next poll fetches them again', async () => {
    const t = setUp();
    const feed = await t.register('https://weir.example/rss');
    t.answers.set(feed.url, (v) =>
      v.etag === '"x"' ? { status: 'not-modified' } : ok(rssFeed('Weir Watch', ['Water high']), '"x"'),
    );
    t.articles.failing = true;
    expect(await t.run()).toMatchObject({ internalErrors: 1, failed: 0 });
    expect(t.internal).toEqual(['https://weir.example/rss: ProvisionedThroughputExceededException']);
    expect(t.feeds.byId.get(feed.id)).toMatchObject({ consecutiveFailures: 0 });
    expect(t.feeds.byId.get(feed.id)?.etag).toBeUndefined();

    t.articles.failing = false;
    expect(await t.run()).toMatchObject({ updated: 1, storedItems: 1 });
    expect(t.calls.at(-1)?.validators).toEqual({});
  });

  it('starts no feed once the deadline is near, leaving the least recently polled first for the next run', async () => {
    const t = setUp({ feedBudgetMs: 30_000, concurrency: 1 });
    const feeds = [];
    for (const name of ['alder', 'birch', 'cedar']) {
      const feed = await t.register(`https://${name}.example/rss`);
      t.answers.set(feed.url, () => ok(rssFeed(`${name} news`, [`${name} story`])));
      feeds.push(feed);
    }
    // Time for nothing: all three wait.
    expect(await t.run(29_000)).toMatchObject({ feeds: 3, deferred: 3, updated: 0 });
    expect(t.calls).toHaveLength(0);
    // Each fetch takes a minute of the clock: with 2 min 29 s left and 30 s needed a feed, the third is not
    // started (2 min in, 29 s remain).
    for (const feed of feeds) {
      const answer = t.answers.get(feed.url);
      t.answers.set(feed.url, (v) => {
        t.later(1);
        return answer?.(v) as FeedResponse;
      });
    }
    expect(await t.run(149_000)).toMatchObject({ updated: 2, deferred: 1 });
    const polledFirst = t.calls.map((c) => c.url);
    const waiting = feeds.find((f) => !polledFirst.includes(f.url));
    // The next run begins with the one that waited.
    t.later(15);
    await t.run(60_000);
    expect(t.calls.at(-1)?.url).toBe(waiting?.url);
  });
});
