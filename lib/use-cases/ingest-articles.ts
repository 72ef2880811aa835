import { type ArticleInput, normaliseArticle } from '../articles';
import type { ArticleStore, Clock } from '../ports';

export interface IngestResult {
  readonly id: string;
  readonly status: 'stored' | 'duplicate';
}

/**
 * 1. normalise and fingerprint each article (all of them first, so bad input writes nothing)
 * 2. store each one unless the same story is already stored
 * Matching happens downstream, on the table's stream.
 */
export function makeIngestArticles(deps: { articles: ArticleStore; clock: Clock }) {
  return async function ingestArticles(inputs: readonly ArticleInput[]): Promise<IngestResult[]> {
    const now = deps.clock.now();
    const normalised = inputs.map((input) => normaliseArticle(input, now));
    const results: IngestResult[] = [];
    for (const article of normalised) {
      results.push({ id: article.id, status: await deps.articles.putIfAbsent(article) });
    }
    return results;
  };
}
