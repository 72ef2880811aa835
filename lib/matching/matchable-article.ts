import { type Article, articleText } from '../articles';
import type { MatchableArticle } from '../query';

/** The stored fields the matcher reads of an article: the same for delivery and for previews. */
export const MATCHED_FIELDS = ['id', 'title', 'paragraphs', 'source', 'lang'] as const;

/**
 * What a listing of articles to match reads of each: the matched fields and the link a preview shows. The
 * article store reads exactly these (a projection), so a week of long stories stays a small read.
 */
export const LISTED_FIELDS = [...MATCHED_FIELDS, 'url'] as const;
export type ListedArticle = Pick<Article, (typeof LISTED_FIELDS)[number]>;

export function matchableArticle(article: Pick<Article, (typeof MATCHED_FIELDS)[number]>): MatchableArticle {
  return {
    id: article.id,
    title: article.title,
    text: articleText(article),
    source: article.source,
    lang: article.lang,
  };
}
