import { describe, expect, it } from 'vitest';
import type { Article } from '../../lib/articles';
import { detectLanguage } from '../../lib/articles/language';
import type { ArticleStore } from '../../lib/ports';
import { makeIngestArticles } from '../../lib/use-cases/ingest-articles';

/** Keeps articles in a map: what is tested here is when the use case needs the language models. */
function memoryStore(): ArticleStore & { stored: Map<string, Article> } {
  const stored = new Map<string, Article>();
  return {
    stored,
    async putIfAbsent(article) {
      if (stored.has(article.id)) return 'duplicate';
      stored.set(article.id, article);
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
