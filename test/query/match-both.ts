import { expect } from 'vitest';
import { type MatchableArticle, matchNaive, parseQuery, TopicIndex, type TopicMatch } from '../../lib/query';

export type ArticleFields = Partial<Omit<MatchableArticle, 'id'>>;

/** Matches with both the index and the naive reference, insists they agree, and returns the result. */
export function matchBoth(queries: Record<string, string>, fields: ArticleFields): TopicMatch[] {
  const article: MatchableArticle = { id: 'article-1', title: '', text: '', ...fields };
  const topics = Object.entries(queries).map(([id, query]) => ({ id, query: parseQuery(query) }));
  const indexed = TopicIndex.build(topics).match(article);
  expect(indexed).toEqual(matchNaive(topics, article));
  return indexed;
}

export function matchOne(query: string, fields: ArticleFields): TopicMatch | undefined {
  return matchBoth({ topic: query }, fields)[0];
}
