import { ValidationError } from '../errors';

/**
 * A feed URL whose host is, or resolves to, an address inside a private network (see
 * `address-policy.ts`): refused so a feed registration cannot make Tidings reach into its own network.
 */
export class FeedUrlNotAllowedError extends ValidationError {
  override name = 'FeedUrlNotAllowedError';

  constructor(message: string) {
    super('feed_url_not_allowed', message);
  }
}

/**
 * Fetching a feed failed for a reason of the feed's own (no answer, a timeout, an HTTP error, a body too
 * large, a refused address): counted against the feed, never against the rest of the run.
 */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
}

/**
 * Fetching the page a feed item links to failed (no answer, a timeout, an HTTP error, a body too large, a
 * refused address): the item is stored as the feed gave it, and the feed is not counted as failing.
 */
export class PageFetchError extends Error {
  override name = 'PageFetchError';
}
