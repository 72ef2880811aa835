import type { Article } from '../articles';
import { matchableArticle } from '../matching/matchable-article';
import type { ArticleStore, Clock } from '../ports';
import { TopicIndex } from '../query';
import { PREVIEW_ARTICLES, PREVIEW_DAYS } from './preview-topic';

export interface TopicsPreview {
  /** How many recent articles every topic was tried against. */
  readonly searched: number;
  /** Per topic id, the recent articles it matched, newest first. */
  readonly matches: ReadonlyMap<string, readonly Article[]>;
}

/**
 * "What would my topics have sent me?" for a whole subscription at once: the week's articles are read once
 * and matched against one index of every topic, as delivery does, instead of once per topic.
 */
export function makePreviewTopics(deps: { articles: ArticleStore; clock: Clock }) {
  return async function previewTopics(
    topics: readonly { readonly id: string; readonly query: string }[],
  ): Promise<TopicsPreview> {
    const index = new TopicIndex();
    for (const topic of topics) index.add(topic.id, topic.query);
    const now = deps.clock.now();
    const since = new Date(now.getTime() - PREVIEW_DAYS * 86_400_000);
    const recent = await deps.articles.listPublishedSince(since, now, PREVIEW_ARTICLES);
    const matches = new Map<string, Article[]>(topics.map((topic) => [topic.id, []]));
    for (const article of recent) {
      for (const match of index.match(matchableArticle(article))) matches.get(match.topicId)?.push(article);
    }
    return { searched: recent.length, matches };
  };
}
