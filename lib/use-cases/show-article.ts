import type { Article } from '../articles';
import { isArticleId } from '../articles/article-id';
import { NotFoundError } from '../errors';
import type { ArticleStore, StoryOutlet, StoryReader } from '../ports';

/** Other outlets an archive page names at most: a story the whole wire carried is not a page of links. */
export const OUTLETS_SHOWN = 20;

export interface ArticleView {
  readonly article: Article;
  /** The other outlets' versions of its story, first published first. */
  readonly alsoReportedBy: readonly StoryOutlet[];
}

/**
 * 1. an id no article can have is a 404 without a read (see `isArticleId`)
 * 2. read the article, then the outlets of its story (one query of the story's partition)
 */
export function makeShowArticle(deps: { articles: Pick<ArticleStore, 'get'>; stories: StoryReader }) {
  return async function showArticle(id: string): Promise<ArticleView> {
    const article = isArticleId(id) ? await deps.articles.get(id) : undefined;
    if (!article) throw new NotFoundError('There is no article with that id.');
    const outlets = await deps.stories.outletsOf(article.storyId ?? article.id, OUTLETS_SHOWN + 1);
    return { article, alsoReportedBy: outlets.filter((o) => o.id !== article.id).slice(0, OUTLETS_SHOWN) };
  };
}
