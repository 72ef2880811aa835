import type { ArticleStore, Clock } from '../ports';
import { parseQuery } from '../query';
import { makePreviewTopics, type PreviewMatch } from './preview-topics';

export { PREVIEW_ARTICLES, PREVIEW_DAYS } from './preview-topics';

export interface TopicPreview {
  readonly topic: string;
  /** How many recent articles the topic was tried against. */
  readonly searched: number;
  readonly matches: readonly PreviewMatch[];
}

/**
 * "What would this topic have sent me?" for one topic typed on the subscribe page. An invalid topic fails
 * with the parser's message and column, as at subscribe time.
 */
export function makePreviewTopic(deps: { articles: ArticleStore; clock: Clock }) {
  const previewTopics = makePreviewTopics(deps);
  return async function previewTopic(topic: string): Promise<TopicPreview> {
    const { searched, matches } = await previewTopics([{ id: 'preview', query: parseQuery(topic) }]);
    return { topic, searched, matches: matches.get('preview') ?? [] };
  };
}
