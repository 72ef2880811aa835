import { NotFoundError } from '../errors';
import { type Feed, type FeedRegistration, isFeedId, newFeed } from '../feeds/feed';
import type { Clock, FeedStore, FeedUrlCheck } from '../ports';

interface ManageFeedsDeps {
  feeds: FeedStore;
  urlCheck: FeedUrlCheck;
  clock: Clock;
}

/**
 * 1. refuse a URL whose host is not public (on AWS; the local stack allows every host)
 * 2. store the feed unless the same canonical URL is registered: its id is derived from the URL, so the
 *    conditional put is what makes a second registration find the first, however many race
 */
export function makeRegisterFeed(deps: ManageFeedsDeps) {
  return async function registerFeed(
    registration: FeedRegistration,
  ): Promise<{ readonly feed: Feed; readonly created: boolean }> {
    await deps.urlCheck.assertAllowed(registration.url);
    return deps.feeds.register(newFeed(registration, deps.clock.now()));
  };
}

/** Every feed with how its polls went. */
export function makeListFeeds(deps: Pick<ManageFeedsDeps, 'feeds'>) {
  return () => deps.feeds.list();
}

const unknown = () => new NotFoundError('There is no feed with that id.');

/**
 * 1. check the id's form: one no feed can have is unknown without a read
 * 2. make the feed active with its failure count reset; it is polled first in the next run
 */
export function makeResumeFeed(deps: Pick<ManageFeedsDeps, 'feeds' | 'clock'>) {
  return async function resumeFeed(id: string | undefined): Promise<Feed> {
    if (!isFeedId(id)) throw unknown();
    const feed = await deps.feeds.resume(id, deps.clock.now());
    if (!feed) throw unknown();
    return feed;
  };
}
