import { makeDynamoFeedStore } from '../adapters/dynamo/feed-store';
import { anyFeedUrl, makeDnsFeedUrlCheck } from '../adapters/http/feed-url-check';
import { isPublicAddress } from '../feeds/address-policy';
import { makeListFeeds, makeRegisterFeed, makeResumeFeed } from '../use-cases/manage-feeds';
import { ingestAuthFor } from './ingest-auth';
import { once } from './once';
import { config, systemClock } from './runtime';
import { tableFor } from './table';

/** What the feeds function uses: the feed records and the publisher's key. */
const table = tableFor('feeds');
/** The publisher's key, or its IAM signature. */
export const authorizeIngest = ingestAuthFor('feeds');

const feedStore = once(() => {
  const { db, tableName } = table();
  return makeDynamoFeedStore(db, tableName);
});

export const registerFeed = once(() =>
  makeRegisterFeed({
    feeds: feedStore(),
    urlCheck: config().allowPrivateFeeds ? anyFeedUrl : makeDnsFeedUrlCheck(isPublicAddress),
    clock: systemClock,
  }),
);

export const listFeeds = once(() => makeListFeeds({ feeds: feedStore() }));

export const resumeFeed = once(() => makeResumeFeed({ feeds: feedStore(), clock: systemClock }));
