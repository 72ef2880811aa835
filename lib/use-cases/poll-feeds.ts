import type { FeedEntry } from '../articles';
import { settleEach } from '../concurrency';
import { UserFacingError } from '../errors';
import { FeedFetchError } from '../feeds/errors';
import { type Feed, PAUSE_AFTER_FAILURES } from '../feeds/feed';
import type { Clock, FeedFetcher, FeedStore } from '../ports';
import type { IngestResult } from './ingest-articles';

/** Feeds fetched at once: enough that 1,000 slow feeds fit one run, few enough for the memory of 1 MiB each. */
export const POLL_CONCURRENCY = 25;

interface PollFeedsDeps {
  feeds: FeedStore;
  fetcher: FeedFetcher;
  parseFeed: (xml: string) => Promise<FeedEntry[]> | FeedEntry[];
  ingestFeed: (entries: readonly FeedEntry[]) => Promise<IngestResult[]>;
  clock: Clock;
  /**
   * Reads the pages teaser items link to (see `read-linked-pages.ts`), within `budgetMs` of the feed's
   * fetch; without it the items are stored as the feed gives them.
   */
  linkedPages?: {
    read: (entries: readonly FeedEntry[], until: Date) => Promise<FeedEntry[]>;
    budgetMs: number;
  };
  /** Time one feed may take at most (its fetch timeout and its writes): none is started closer to the deadline. */
  feedBudgetMs: number;
  concurrency?: number;
  /** An error of ours (not the feed's), e.g. a failed table write: logged, the feed left as it was. */
  onInternalError?: (feed: Feed, error: unknown) => void;
}

export interface PollSummary {
  readonly feeds: number;
  readonly updated: number;
  readonly notModified: number;
  readonly failed: number;
  readonly paused: number;
  /** Left for the next run: the deadline came first. They are still the least recently polled. */
  readonly deferred: number;
  readonly storedItems: number;
  readonly internalErrors: number;
}

type FeedResult = 'updated' | 'notModified' | 'failed' | 'paused' | 'deferred';

/**
 * 1. read the active feeds, least recently polled first
 * 2. fetch each, a bounded number at once, none started once the deadline is near (the next run goes on from
 *    them): a 304 changes nothing but when it was polled; a body is read as a feed, the teasers among its new
 *    items replaced by the pages they link to (a page that fails leaves its item), and its new items stored
 * 3. record each outcome on its feed: a success clears the failure count and keeps the new validators, a
 *    failure (the feed's: no answer, an HTTP error, too large, unreadable) counts, and the fifth in a row
 *    pauses the feed. One feed's failure never touches another's poll.
 */
export function makePollFeeds(deps: PollFeedsDeps) {
  const concurrency = deps.concurrency ?? POLL_CONCURRENCY;

  const pollOne = async (feed: Feed, deadline: Date): Promise<{ result: FeedResult; stored: number }> => {
    if (deps.clock.now().getTime() + deps.feedBudgetMs > deadline.getTime()) {
      return { result: 'deferred', stored: 0 };
    }
    try {
      const response = await deps.fetcher.fetch(feed.url, {
        ...(feed.etag !== undefined && { etag: feed.etag }),
        ...(feed.lastModified !== undefined && { lastModified: feed.lastModified }),
      });
      if (response.status === 'not-modified') {
        await deps.feeds.recordPoll(feed.id, { kind: 'success', at: deps.clock.now(), itemsStored: 0 });
        return { result: 'notModified', stored: 0 };
      }
      const items = withFeedDefaults(await deps.parseFeed(response.body), feed);
      const { linkedPages } = deps;
      const entries = linkedPages
        ? await linkedPages.read(items, new Date(deps.clock.now().getTime() + linkedPages.budgetMs))
        : items;
      const results = await deps.ingestFeed(entries);
      const stored = results.filter((r) => r.status === 'stored').length;
      // The validators are kept only now the items are stored: kept earlier, a failed write would leave
      // the next poll a 304 and the items lost.
      await deps.feeds.recordPoll(feed.id, {
        kind: 'success',
        at: deps.clock.now(),
        itemsStored: stored,
        validators: {
          ...(response.etag !== undefined && { etag: response.etag }),
          ...(response.lastModified !== undefined && { lastModified: response.lastModified }),
        },
      });
      return { result: 'updated', stored };
    } catch (error) {
      // The feed's own fault: a failed fetch, or a body that is no feed or has no storable item.
      if (!(error instanceof FeedFetchError || error instanceof UserFacingError)) throw error;
      const pause = feed.consecutiveFailures + 1 >= PAUSE_AFTER_FAILURES;
      await deps.feeds.recordPoll(feed.id, {
        kind: 'failure',
        at: deps.clock.now(),
        error: error.message,
        previousFailures: feed.consecutiveFailures,
        pause,
      });
      return { result: pause ? 'paused' : 'failed', stored: 0 };
    }
  };

  return async function pollFeeds(deadline: Date): Promise<PollSummary> {
    const feeds = await deps.feeds.listActive();
    const settled = await settleEach(feeds, concurrency, (feed) => pollOne(feed, deadline));
    const summary = {
      feeds: feeds.length,
      updated: 0,
      notModified: 0,
      failed: 0,
      paused: 0,
      deferred: 0,
      storedItems: 0,
      internalErrors: 0,
    };
    settled.forEach((s, i) => {
      if (s.status === 'rejected') {
        summary.internalErrors++;
        deps.onInternalError?.(feeds[i] as Feed, s.reason);
        return;
      }
      summary.storedItems += s.value.stored;
      summary[s.value.result]++;
    });
    return summary;
  };
}

/**
 * The feed's source name for the items that name no source of their own, and its time zone for the items'
 * times that carry none (an RSS `pubDate` without a zone, a `dc:date` without an offset).
 */
function withFeedDefaults(
  entries: readonly FeedEntry[],
  feed: Pick<Feed, 'sourceName' | 'timezone'>,
): FeedEntry[] {
  const { sourceName, timezone } = feed;
  return entries.map((entry) => {
    if (!('article' in entry)) return entry;
    const { article } = entry;
    return {
      article: {
        ...article,
        ...(article.source === undefined && sourceName !== undefined && { source: sourceName }),
        ...(article.timezone === undefined && timezone !== undefined && { timezone }),
      },
    };
  });
}
