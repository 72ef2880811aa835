import { makeDynamoArticleWriter, makeDynamoStoryFinder } from '../adapters/dynamo/article-writer';
import { makeDynamoFeedStore } from '../adapters/dynamo/feed-store';
import { makeHttpFeedFetcher, makeHttpPageFetcher } from '../adapters/http/feed-fetcher';
import { parseFeed } from '../articles/feed';
import { ValidationError } from '../errors';
import { isPublicAddress } from '../feeds/address-policy';
import { PageFetchError } from '../feeds/errors';
import { logger } from '../log';
import type { FetchedPage } from '../ports';
import { makeIngestFeed } from '../use-cases/ingest-articles';
import { makePollFeeds } from '../use-cases/poll-feeds';
import { MAX_PAGES_PER_FEED, makeReadLinkedPages, PAGE_CONCURRENCY } from '../use-cases/read-linked-pages';
import { once } from './once';
import { config, systemClock } from './runtime';
import { tableFor } from './table';

/** One feed's fetch: its redirects, headers and whole body. */
export const FEED_TIMEOUT_MS = 10_000;
export const FEED_MAX_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
/** One linked page's fetch (redirects, headers, body) and its reading; the same 1 MiB as a feed. */
export const PAGE_TIMEOUT_MS = 5_000;
const PAGE_READ_MS = 2_000;
/** The most a feed's linked pages take: at most 20, 4 at once, so 5 rounds of one page's time. */
const PAGES_BUDGET_MS = Math.ceil(MAX_PAGES_PER_FEED / PAGE_CONCURRENCY) * (PAGE_TIMEOUT_MS + PAGE_READ_MS);
/** Room after the fetch for reading the feed and storing its items, before the run's deadline. */
const STORE_BUDGET_MS = 20_000;

/**
 * What the poll function uses: the active feeds, the article writer and story finder, HTTP out to the feeds
 * and to the pages their teaser items link to, and the page reader (`#html-dom`, loaded with the first page).
 */
const table = tableFor('poll');

// franc's models load only when an item declares no language, as in the ingest function.
const languageDetector = once(async () => (await import('../articles/language')).detectLanguage);

// The page reader, its charset decoder and the DOM are lazy files of their own (`#linked-page`, `#html-dom`):
// loaded with the first teaser item's page, never at a cold start that polls none.
const linkedPageReader = once(async () => (await import('#linked-page')).readLinkedPage);

/** A linked page as an article; one that is no HTML page, or cannot be decoded or read, is refused with why. */
async function readPage(page: FetchedPage) {
  const read = (await linkedPageReader())(page.bytes, page.contentType);
  if ('unreadable' in read) throw new ValidationError('unreadable_page', read.unreadable);
  return read.article;
}

export const pollFeeds = once(() => {
  const { db, tableName } = table();
  const { sourceTimezones, articleRetentionDays, allowPrivateFeeds } = config();
  const articles = makeDynamoArticleWriter(db, tableName);
  const addressPolicy = !allowPrivateFeeds && { allowAddress: isPublicAddress };
  const linkedPages = makeReadLinkedPages({
    pages: makeHttpPageFetcher({
      timeoutMs: PAGE_TIMEOUT_MS,
      maxBytes: FEED_MAX_BYTES,
      maxRedirects: MAX_REDIRECTS,
      ...addressPolicy,
    }),
    readPage,
    stored: articles,
    clock: systemClock,
    sourceZones: sourceTimezones,
    pageBudgetMs: PAGE_TIMEOUT_MS + PAGE_READ_MS,
    onPageSkipped: (url, error) => {
      const known = error instanceof PageFetchError || error instanceof ValidationError;
      logger[known ? 'warn' : 'error']('Linked page not read; its feed item is stored as the feed gave it', {
        url,
        reason: known ? error.message : undefined,
        ...(!known && { error: error as Error }),
      });
    },
  });
  const ingestFeed = makeIngestFeed({
    articles,
    stories: makeDynamoStoryFinder(db, tableName),
    clock: systemClock,
    languageDetector,
    sourceZones: sourceTimezones,
    retentionDays: articleRetentionDays,
  });
  return makePollFeeds({
    feeds: makeDynamoFeedStore(db, tableName),
    fetcher: makeHttpFeedFetcher({
      timeoutMs: FEED_TIMEOUT_MS,
      maxBytes: FEED_MAX_BYTES,
      maxRedirects: MAX_REDIRECTS,
      ...addressPolicy,
    }),
    parseFeed,
    linkedPages: { read: linkedPages, budgetMs: PAGES_BUDGET_MS },
    ingestFeed,
    clock: systemClock,
    feedBudgetMs: FEED_TIMEOUT_MS + PAGES_BUDGET_MS + STORE_BUDGET_MS,
    onInternalError: (feed, error) =>
      logger.error('Feed poll failed on our side; the feed is left as it was', {
        feedId: feed.id,
        error: error as Error,
      }),
  });
});
