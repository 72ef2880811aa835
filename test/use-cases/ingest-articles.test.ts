import { describe, expect, it } from 'vitest';
import type { Article } from '../../lib/articles';
import { detectLanguage } from '../../lib/articles/language';
import { isSameStory } from '../../lib/articles/near-duplicate';
import { ValidationError } from '../../lib/errors';
import type { ArticleWriter, StoryFinder } from '../../lib/ports';
import { makeIngestArticles, makeIngestFeed } from '../../lib/use-cases/ingest-articles';

/** Keeps articles in a map, and finds stories by comparing with every stored one (the logic under test is the use case's). */
function memoryStore(): ArticleWriter &
  StoryFinder & { stored: Map<string, Article>; expiries: Map<string, Date> } {
  const stored = new Map<string, Article>();
  const expiries = new Map<string, Date>();
  return {
    stored,
    expiries,
    async storedVersions(ids) {
      return new Map(
        ids.flatMap((id) => {
          const article = stored.get(id);
          return article ? [[id, article.updatedAt ?? article.publishedAt] as const] : [];
        }),
      );
    },
    async putIfAbsent(article, expiresAt) {
      if (stored.has(article.id)) return 'duplicate';
      stored.set(article.id, article);
      if (expiresAt) expiries.set(article.id, expiresAt);
      return 'stored';
    },
    async reviseIfNewer(article, at) {
      const old = stored.get(article.id);
      if (!old || (old.updatedAt ?? old.publishedAt) >= (article.updatedAt ?? '')) return 'duplicate';
      const { storyId, publishedAt, ingestedAt, signature } = old;
      stored.set(article.id, {
        ...article,
        storyId,
        publishedAt,
        ingestedAt,
        signature,
        revisions: (old.revisions ?? 0) + 1,
        revisedAt: at.toISOString(),
      });
      return 'updated';
    },
    async findStory(article) {
      for (const other of stored.values()) {
        if (other.id !== article.id && isSameStory(other.signature, article.signature)) return other.storyId;
      }
      return undefined;
    },
  };
}

const settings = { sourceZones: new Map([['afp', 'Europe/Paris']]), retentionDays: 30 };

function ingestWithCountingLoader() {
  const articles = memoryStore();
  let loads = 0;
  const ingest = makeIngestArticles({
    articles,
    stories: articles,
    clock: { now: () => new Date('2026-12-01T08:00:00Z') },
    languageDetector: async () => {
      loads++;
      return detectLanguage;
    },
    ...settings,
  });
  return { ingest, articles, loads: () => loads };
}

const english =
  'The river burst its banks on Wednesday night and two shelters opened for families in the valley.';
const german =
  'Der Fluss trat in der Nacht zum Mittwoch über die Ufer, und im Tal öffneten zwei Notunterkünfte.';

describe('ingesting articles', () => {
  it('does not load the language models when every article declares its language', async () => {
    const { ingest, articles, loads } = ingestWithCountingLoader();
    const results = await ingest([
      { text: english, lang: 'en' },
      { text: german, lang: 'DE' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['stored', 'stored']);
    expect(loads()).toBe(0);
    expect([...articles.stored.values()].map((a) => a.lang)).toEqual(['en', 'de']);
  });

  it('loads them for a request with an article of undeclared language, and detects only that one', async () => {
    const { ingest, articles, loads } = ingestWithCountingLoader();
    await ingest([{ text: english, lang: 'fr' }, { text: german }]);
    expect(loads()).toBe(1);
    expect([...articles.stored.values()].map((a) => a.lang)).toEqual(['fr', 'de']);
  });

  it('treats a blank language as undeclared', async () => {
    const { ingest, articles, loads } = ingestWithCountingLoader();
    await ingest([{ text: english, lang: '   ' }]);
    expect(loads()).toBe(1);
    expect([...articles.stored.values()][0]?.lang).toBe('en');
  });
});

describe('the time zone and the retention of what is ingested', () => {
  it('reads an offsetless time in its source’s configured zone, and keeps the story 30 days from publication', async () => {
    const { ingest, articles } = ingestWithCountingLoader();
    const [result] = await ingest([
      { text: english, lang: 'en', source: 'AFP', publishedAt: '2026-11-30T18:00' },
    ]);
    const id = (result as { id: string }).id;
    expect(articles.stored.get(id)).toMatchObject({
      publishedAt: '2026-11-30T17:00:00.000Z',
      publishedZone: 'Europe/Paris',
      publishedZoneSource: 'source',
    });
    expect(articles.expiries.get(id)?.toISOString()).toBe('2026-12-30T17:00:00.000Z');
  });

  it('keeps a story that arrives long after its publication a week from its arrival', async () => {
    const { ingest, articles } = ingestWithCountingLoader();
    const [result] = await ingest([{ text: english, lang: 'en', publishedAt: '2025-03-02T10:00:00Z' }]);
    expect(articles.expiries.get((result as { id: string }).id)?.toISOString()).toBe(
      '2026-12-08T08:00:00.000Z',
    );
  });
});

describe('ingesting a feed', () => {
  function ingestFeedInMemory() {
    const articles = memoryStore();
    const ingest = makeIngestFeed({
      articles,
      stories: articles,
      clock: { now: () => new Date('2026-12-01T08:00:00Z') },
      languageDetector: async () => detectLanguage,
      ...settings,
    });
    return { ingest, articles };
  }
  const unreadable = new ValidationError('invalid_article', 'Could not read <pubDate>soon</pubDate>.');

  it('stores the readable items, reports the others in place, and stores nothing new the second time', async () => {
    const { ingest, articles } = ingestFeedInMemory();
    const entries = [
      { article: { text: english, lang: 'en' } },
      { error: unreadable },
      // Readable, but refused while normalising: its text has no letters.
      { article: { text: '… — …', lang: 'en' } },
      { article: { text: german, lang: 'de' } },
    ];
    const first = await ingest(entries);
    expect(first.map((r) => r.status)).toEqual(['stored', 'rejected', 'rejected', 'stored']);
    expect(first[1]).toEqual({
      item: 2,
      status: 'rejected',
      error: { code: 'invalid_article', message: 'Item 2: Could not read <pubDate>soon</pubDate>.' },
    });
    expect(first[2]).toMatchObject({
      item: 3,
      error: { message: expect.stringMatching(/^Item 3: .*no letters/) },
    });
    expect(articles.stored.size).toBe(2);

    const again = await ingest(entries);
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'rejected', 'rejected', 'duplicate']);
    expect(articles.stored.size).toBe(2);
  });

  it('writes a story given twice in one request once, and reports the later copy as the duplicate', async () => {
    const { ingest, articles } = ingestFeedInMemory();
    const results = await ingest([
      { article: { text: english, lang: 'en' } },
      { article: { text: german, lang: 'de' } },
      { article: { text: `  ${english}`, lang: 'en' } },
    ]);
    expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'duplicate']);
    expect(articles.stored.size).toBe(2);
  });

  it('refuses a feed none of whose items can be stored, writing nothing', async () => {
    const { ingest, articles } = ingestFeedInMemory();
    await expect(ingest([{ error: unreadable }, { article: { text: '…' } }])).rejects.toThrow(
      /^None of the feed's 2 items can be stored\. Item 1: Could not read .* Item 2: .*no letters/,
    );
    expect(articles.stored.size).toBe(0);
  });
});

describe('a newer version of a stored article', () => {
  const url = 'https://news.example/2026/12/01/flood';
  const version = (updatedAt: string | undefined, text: string) => ({
    title: 'Valley shelters open as the river floods',
    url: `${url}?utm_source=wire`,
    text,
    lang: 'en',
    publishedAt: '2026-12-01T06:00:00Z',
    ...(updatedAt !== undefined && { updatedAt }),
  });
  const corrected = `${english} Three more shelters opened by morning.`;

  it('replaces the stored text in place under the same id, keeping its story and first publication', async () => {
    const { ingest, articles } = ingestWithCountingLoader();
    const [first] = (await ingest([version(undefined, english)])) as { id: string }[];
    const [second] = await ingest([version('2026-12-01T09:30:00Z', corrected)]);
    expect(second).toEqual({ id: first?.id, status: 'updated' });
    const stored = articles.stored.get(first?.id ?? '');
    expect(stored).toMatchObject({
      paragraphs: [corrected],
      updatedAt: '2026-12-01T09:30:00.000Z',
      publishedAt: '2026-12-01T06:00:00.000Z',
      ingestedAt: '2026-12-01T08:00:00.000Z',
      storyId: first?.id,
      revisions: 1,
    });
    expect(articles.stored.size).toBe(1);
  });

  it('is a duplicate when it is not newer: the same copy re-sent, an older one, or one with no update time', async () => {
    const { ingest, articles } = ingestWithCountingLoader();
    const [first] = (await ingest([version('2026-12-01T09:30:00Z', corrected)])) as { id: string }[];
    const again = await ingest([
      version('2026-12-01T09:30:00Z', corrected),
      version('2026-12-01T07:00:00Z', english),
    ]);
    // The second is another copy of the same URL in one request: written at most once.
    expect(again).toEqual([
      { id: first?.id, status: 'duplicate' },
      { id: first?.id, status: 'duplicate' },
    ]);
    expect(await ingest([version(undefined, english)])).toEqual([{ id: first?.id, status: 'duplicate' }]);
    expect(articles.stored.get(first?.id ?? '')?.paragraphs).toEqual([corrected]);
  });
});
