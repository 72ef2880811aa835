import { type ListedArticle, matchableArticle } from '../matching/matchable-article';
import type { ArticleStore, Clock } from '../ports';
import { parseQuery, TopicIndex } from '../query';

export const PREVIEW_DAYS = 7;
export const PREVIEW_ARTICLES = 500;

export interface TopicPreview {
  readonly topic: string;
  /** How many recent articles the topic was tried against. */
  readonly searched: number;
  readonly matches: readonly { readonly article: ListedArticle; readonly terms: readonly string[] }[];
}

/**
 * "What would this topic have sent me?": the same parser and matcher as delivery, run over the last week's
 * stored articles. An invalid topic fails with the parser's message and column, as at subscribe time.
 */
export function makePreviewTopic(deps: { articles: ArticleStore; clock: Clock }) {
  return async function previewTopic(topic: string): Promise<TopicPreview> {
    const index = new TopicIndex();
    index.add('preview', parseQuery(topic));
    const now = deps.clock.now();
    const since = new Date(now.getTime() - PREVIEW_DAYS * 86_400_000);
    const recent = await deps.articles.listPublishedSince(since, now, PREVIEW_ARTICLES);
    const matches = recent.flatMap((article) => {
      const [match] = index.match(matchableArticle(article));
      return match ? [{ article, terms: match.terms }] : [];
    });
    return { topic, searched: recent.length, matches };
  };
}
