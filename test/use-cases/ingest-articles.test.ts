import { describe, expect, it } from 'vitest';
import type { Article } from '../../lib/articles';
import { detectLanguage } from '../../lib/articles/language';
import { ValidationError } from '../../lib/errors';
import type { ArticleStore } from '../../lib/ports';
import { makeIngestArticles, makeIngestFeed } from '../../lib/use-cases/ingest-articles';

/** Keeps articles in a map: what is tested here is when the use case needs the language models. */
function memoryStore(): ArticleStore & { stored: Map<string, Article>; expiries: Map<string, Date> } {
  const stored = new Map<string, Article>();
  const expiries = new Map<string, Date>();
  return {
    stored,
    expiries,
    async putIfAbsent(article, expiresAt) {
      if (stored.has(article.id)) return 'duplicate';
      stored.set(article.id, article);
      if (expiresAt) expiries.set(article.id, expiresAt);
      return 'stored';
    },
    async get(id) {
      return stored.get(id);
    },
    async listPublishedSince() {
      return [];
    },
    async checkReachable() {},
  };
}

const settings = { sourceZones: new Map([['afp', 'Europe/Paris']]), retentionDays: 30 };

function ingestWithCountingLoader() {
  const articles = memoryStore();
  let loads = 0;
  const ingest = makeIngestArticles({
    articles,
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
