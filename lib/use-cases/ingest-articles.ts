import { type ArticleInput, declaredLanguage, type LanguageDetector, normaliseArticle } from '../articles';
import type { ArticleStore, Clock } from '../ports';

export interface IngestResult {
  readonly id: string;
  readonly status: 'stored' | 'duplicate';
}

/**
 * 1. normalise and fingerprint each article (all of them first, so bad input writes nothing), detecting
 *    the language of those the sender gave none
 * 2. store each one unless the same story is already stored
 * Matching happens downstream, on the table's stream.
 */
export function makeIngestArticles(deps: {
  articles: ArticleStore;
  clock: Clock;
  /** Loaded only for a request with an article of undeclared language: the models are costly to load. */
  languageDetector: () => Promise<LanguageDetector>;
}) {
  return async function ingestArticles(inputs: readonly ArticleInput[]): Promise<IngestResult[]> {
    const now = deps.clock.now();
    const detect = inputs.some((input) => declaredLanguage(input) === undefined)
      ? await deps.languageDetector()
      : undefined;
    const normalised = inputs.map((input) => normaliseArticle(input, now, detect));
    const results: IngestResult[] = [];
    for (const article of normalised) {
      results.push({ id: article.id, status: await deps.articles.putIfAbsent(article) });
    }
    return results;
  };
}
