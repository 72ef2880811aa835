import type { Article } from './types';

const DAY_MS = 24 * 3600 * 1000;

/** However old a story is when it arrives, it is kept this long (or the whole retention, if shorter). */
export const MIN_DAYS_AFTER_INGEST = 7;

/**
 * When a stored article is removed: `retentionDays` after its publication, as a newsroom counts a story's age
 * (and agency licences count how long copy may be kept), so the archive holds the same window of news every
 * day. A story that arrives old (a backfill, a late feed item) is still kept `MIN_DAYS_AFTER_INGEST` days
 * from its arrival, so the alerts and the weekly digest it goes into can still open it.
 */
export function articleExpiry(
  article: Pick<Article, 'publishedAt' | 'ingestedAt'>,
  retentionDays: number,
): Date {
  const afterPublication = Date.parse(article.publishedAt) + retentionDays * DAY_MS;
  const afterIngest =
    Date.parse(article.ingestedAt) + Math.min(retentionDays, MIN_DAYS_AFTER_INGEST) * DAY_MS;
  return new Date(Math.max(afterPublication, afterIngest));
}
