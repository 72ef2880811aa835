import type { Frequency, TopicChoice } from './model';

/** Two queries that differ only in spacing are the same topic. */
export const sameQuery = (query: string) => query.trim().replace(/\s+/g, ' ');

export interface TopicAfterConfirming extends TopicChoice {
  /** Not among the subscriber's active topics before: what this request adds. */
  readonly isNew: boolean;
}

/**
 * The topics a subscriber will have once a request is confirmed: the active ones, each requested query
 * added (or, asked for at another frequency, switched to it), one topic per query. This is what the
 * confirmation email and page show, so a returning reader sees everything they will get, not only the new.
 */
export function topicsAfterConfirming(
  active: readonly TopicChoice[],
  requested: readonly TopicChoice[],
): TopicAfterConfirming[] {
  const result = new Map<string, TopicAfterConfirming>();
  for (const topic of active) {
    result.set(sameQuery(topic.query), { query: topic.query, frequency: topic.frequency, isNew: false });
  }
  for (const topic of requested) {
    const key = sameQuery(topic.query);
    const existing = result.get(key);
    result.set(key, {
      query: existing?.query ?? topic.query,
      frequency: topic.frequency as Frequency,
      isNew: existing === undefined,
    });
  }
  return [...result.values()];
}
