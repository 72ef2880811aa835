import { type ListedArticle, matchableArticle } from '../matching/matchable-article';
import type { ArticleStore, Clock } from '../ports';
import { type ParsedQuery, TopicIndex } from '../query';

export const PREVIEW_DAYS = 7;
export const PREVIEW_ARTICLES = 500;

export interface PreviewMatch {
  readonly article: ListedArticle;
  readonly terms: readonly string[];
}

export interface TopicsPreview {
  /** How many recent articles every topic was tried against. */
  readonly searched: number;
  /** Per topic id, the recent articles it matched, newest first, with the words that matched. */
  readonly matches: ReadonlyMap<string, readonly PreviewMatch[]>;
}

/**
 * "What would these topics have sent me?": the same matcher as delivery, run once over the last week's
 * stored articles with one index of every topic, however many topics a subscriber has.
 */
export function makePreviewTopics(deps: { articles: ArticleStore; clock: Clock }) {
  return async function previewTopics(
    topics: readonly { readonly id: string; readonly query: string | ParsedQuery }[],
  ): Promise<TopicsPreview> {
    const index = new TopicIndex();
    for (const topic of topics) index.add(topic.id, topic.query);
    const now = deps.clock.now();
    const since = new Date(now.getTime() - PREVIEW_DAYS * 86_400_000);
    const recent = await deps.articles.listPublishedSince(since, now, PREVIEW_ARTICLES);
    const matches = new Map<string, PreviewMatch[]>(topics.map((topic) => [topic.id, []]));
    for (const article of recent) {
      for (const { topicId, terms } of index.match(matchableArticle(article))) {
        matches.get(topicId)?.push({ article, terms });
      }
    }
    return { searched: recent.length, matches };
  };
}
