import { describe, expect, it } from 'vitest';
import { type ArticleInput, type FeedEntry, normaliseArticle } from '../../lib/articles';
import { PageFetchError } from '../../lib/feeds/errors';
import type { FetchedPage } from '../../lib/ports';
import { makeReadLinkedPages } from '../../lib/use-cases/read-linked-pages';

const NOW = new Date('2027-03-09T08:00:00Z');
const STORY =
  'The council voted on Tuesday to keep the river ferry running through the winter. Crossings will run every half hour between six and ten, and the fare stays at one coin for children. The harbour master said the new pontoon would be ready by the first frost, and that the old boat would be kept as a spare.';

const teaser = (n: number, extra: Partial<ArticleInput> = {}): FeedEntry => ({
  article: {
    title: `Ferry news ${n}`,
    url: `https://ferry.example/news/${n}`,
    text: `Ferry news ${n}: the council decided.`,
    publishedAt: '2027-03-09T07:00:00Z',
    ...extra,
  },
});

function setUp(options: { maxPages?: number; concurrency?: number; stored?: string[] } = {}) {
  const fetched: string[] = [];
  const skipped: { url: string; error: unknown }[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const pages = new Map<string, FetchedPage | Error>();
  const read = makeReadLinkedPages({
    pages: {
      async fetch(url) {
        fetched.push(url);
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        const page = pages.get(url) ?? new PageFetchError('The page answered HTTP 404.');
        if (page instanceof Error) throw page;
        return page;
      },
    },
    // A page is its own text with a title line, so what the reader saw is checkable.
    readPage: async (page) => ({ title: 'Page title', text: new TextDecoder().decode(page.bytes) }),
    stored: {
      async storedVersions(ids) {
        return new Map(
          (options.stored ?? [])
            .filter((id) => ids.includes(id))
            .map((id) => [id, '2027-03-09T07:00:00.000Z']),
        );
      },
    },
    clock: { now: () => NOW },
    sourceZones: new Map(),
    pageBudgetMs: 1_000,
    ...(options.maxPages !== undefined && { maxPages: options.maxPages }),
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    onPageSkipped: (url, error) => skipped.push({ url, error }),
  });
  const servePage = (url: string, text = STORY) =>
    pages.set(url, { bytes: new TextEncoder().encode(text), contentType: 'text/html' });
  return { read, fetched, skipped, pages, servePage, mostAtOnce: () => mostAtOnce };
}

const until = new Date(NOW.getTime() + 60_000);

describe('reading the pages feed items link to', () => {
  it("replaces a teaser by its page's text, keeping the item's title, link and date", async () => {
    const { read, servePage, fetched } = setUp();
    servePage('https://ferry.example/news/1');
    const [entry] = await read([teaser(1)], until);
    expect(fetched).toEqual(['https://ferry.example/news/1']);
    expect(entry).toEqual({
      article: {
        title: 'Ferry news 1',
        url: 'https://ferry.example/news/1',
        publishedAt: '2027-03-09T07:00:00Z',
        text: STORY,
      },
    });
  });

  it('fetches no page for an item with a long text, or with no link', async () => {
    const { read, fetched } = setUp();
    const long = teaser(1, { text: `${STORY}\n\n${STORY}` });
    const { url: _url, ...unlinked } = (teaser(2) as { article: ArticleInput }).article;
    const entries = [long, { article: unlinked }];
    expect(await read(entries, until)).toEqual(entries);
    expect(fetched).toEqual([]);
  });

  it('leaves the item as the feed gave it when its page fails or is shorter, and says why', async () => {
    const { read, servePage, pages, skipped } = setUp();
    pages.set(
      'https://ferry.example/news/1',
      new PageFetchError('The page did not answer in full within 5 seconds.'),
    );
    servePage('https://ferry.example/news/2', 'Subscribe to read.');
    const entries = [teaser(1), teaser(2), teaser(3)];
    expect(await read(entries, until)).toEqual(entries);
    expect(skipped.map((s) => [s.url, (s.error as Error).message])).toEqual([
      ['https://ferry.example/news/1', 'The page did not answer in full within 5 seconds.'],
      ['https://ferry.example/news/2', 'The page has no more text than the feed item.'],
      ['https://ferry.example/news/3', 'The page answered HTTP 404.'],
    ]);
  });

  it('fetches at most maxPages pages per feed, a few at once', async () => {
    const { read, fetched, mostAtOnce } = setUp({ maxPages: 5, concurrency: 2 });
    await read(
      Array.from({ length: 12 }, (_, i) => teaser(i + 1)),
      until,
    );
    expect(fetched).toEqual([1, 2, 3, 4, 5].map((n) => `https://ferry.example/news/${n}`));
    expect(mostAtOnce()).toBe(2);
  });

  it('fetches no page for an item already stored, unless the feed has a newer version of it', async () => {
    const id = (entry: FeedEntry) => normaliseArticle((entry as { article: ArticleInput }).article, NOW).id;
    const [one, two, three] = [teaser(1), teaser(2, { updatedAt: '2027-03-09T07:30:00Z' }), teaser(3)];
    const { read, fetched, servePage } = setUp({ stored: [id(one), id(two)] });
    servePage('https://ferry.example/news/2');
    servePage('https://ferry.example/news/3');
    const out = await read([one, two, three], until);
    expect(fetched).toEqual(['https://ferry.example/news/2', 'https://ferry.example/news/3']);
    expect(out[0]).toBe(one);
    expect((out[1] as { article: ArticleInput }).article).toMatchObject({
      text: STORY,
      updatedAt: '2027-03-09T07:30:00Z',
    });
  });

  it('starts no page once the time left is shorter than a page takes', async () => {
    const { read, fetched } = setUp();
    const entries = [teaser(1)];
    expect(await read(entries, new Date(NOW.getTime() + 500))).toEqual(entries);
    expect(fetched).toEqual([]);
  });
});
