import { makeDynamoArticleWriter, makeDynamoStoryFinder } from '../adapters/dynamo/article-writer';
import { makeDynamoFeedStore } from '../adapters/dynamo/feed-store';
import { makeHttpFeedFetcher } from '../adapters/http/feed-fetcher';
import { parseFeed } from '../articles/feed';
import { isPublicAddress } from '../feeds/address-policy';
import { logger } from '../log';
import { makeIngestFeed } from '../use-cases/ingest-articles';
import { makePollFeeds } from '../use-cases/poll-feeds';
import { once } from './once';
import { config, systemClock } from './runtime';
import { tableFor } from './table';

/** One feed's fetch: its redirects, headers and whole body. */
export const FEED_TIMEOUT_MS = 10_000;
export const FEED_MAX_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
/** Room after the fetch for reading the feed and storing its items, before the run's deadline. */
const STORE_BUDGET_MS = 20_000;

/** What the poll function uses: the active feeds, the article writer and story finder, and HTTP out to the feeds. */
const table = tableFor('poll');

// franc's models load only when an item declares no language, as in the ingest function.
const languageDetector = once(async () => (await import('../articles/language')).detectLanguage);

export const pollFeeds = once(() => {
  const { db, tableName } = table();
  const { sourceTimezones, articleRetentionDays } = config();
  const ingestFeed = makeIngestFeed({
    articles: makeDynamoArticleWriter(db, tableName),
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
      ...(!config().allowPrivateFeeds && { allowAddress: isPublicAddress }),
    }),
    parseFeed,
    ingestFeed,
    clock: systemClock,
    feedBudgetMs: FEED_TIMEOUT_MS + STORE_BUDGET_MS,
    onInternalError: (feed, error) =>
      logger.error('Feed poll failed on our side; the feed is left as it was', {
        feedId: feed.id,
        error: error as Error,
      }),
  });
});
