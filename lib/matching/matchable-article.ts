import { type Article, articleText } from '../articles';
import type { MatchableArticle } from '../query';

/** What the matcher reads of a stored article: the same fields for delivery and for previews. */
export function matchableArticle(article: Article): MatchableArticle {
  return {
    id: article.id,
    title: article.title,
    text: articleText(article),
    source: article.source,
    lang: article.lang,
  };
}
