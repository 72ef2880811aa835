import { withArticleCache, withStoryCache } from '../adapters/cached-article-store';
import { makeDynamoArticleBatchReader, makeDynamoArticleStore } from '../adapters/dynamo/article-store';
import { withBatchedGets } from '../adapters/dynamo/batched-gets';
import { makeDynamoDigestPauseReader } from '../adapters/dynamo/digest-pause-store';
import { makeDynamoSendPause, makeDynamoSendThrottle } from '../adapters/dynamo/send-control';
import { makeDynamoSendLedger } from '../adapters/dynamo/send-ledger';
import { makeDynamoStoryReader } from '../adapters/dynamo/story-reader';
import { makeDynamoSubscriberReader, makeDynamoTopicsByKey } from '../adapters/dynamo/subscriber-reader';
import { functions } from '../manifest';
import { makeSendDelivery } from '../use-cases/send-delivery';
import { mailerFor, maxSendRateFor } from './mail';
import { metrics } from './metrics';
import { once } from './once';
import { config, systemClock, uuidIds } from './runtime';
import { linksFor } from './secrets';
import { suppressionsFor } from './suppressions';
import { tableFor } from './table';

/**
 * What the send function uses: the ledger, subscribers and articles it renders, the suppression list it
 * checks before every message, signed links, the shared send-rate tokens and pause, the reputation guard's
 * digest pause, SES, and the metrics of what it sent.
 */
const table = tableFor('send');
/** The batch's concurrent records read profiles and suppression entries in shared BatchGetItems. */
const batchedTable = once(() => ({ ...table(), db: withBatchedGets(table().db) }));
const links = linksFor('send');
const mailer = mailerFor('send');
const maxSendRate = maxSendRateFor('send');
const suppressions = suppressionsFor('send', batchedTable);

/**
 * One alert goes to every matching subscriber, so a warm instance keeps the articles it just read; 30 s
 * is short enough that a corrected article is mailed within a minute.
 */
const ARTICLE_CACHE = { maxEntries: 256, ttlMs: 30_000 };

export const sendDelivery = once(async () => {
  const { db, tableName } = table();
  const c = config();
  return makeSendDelivery({
    subscribers: {
      ...makeDynamoSubscriberReader(batchedTable().db, tableName),
      ...makeDynamoTopicsByKey(batchedTable().db, tableName),
    },
    articles: withArticleCache(
      { ...makeDynamoArticleStore(db, tableName), ...makeDynamoArticleBatchReader(db, tableName) },
      ARTICLE_CACHE,
    ),
    stories: withStoryCache(makeDynamoStoryReader(db, tableName), ARTICLE_CACHE),
    deliveries: makeDynamoSendLedger(db, tableName),
    suppressions: await suppressions(),
    mailer: mailer(),
    throttle: makeDynamoSendThrottle(db, tableName, { perSecond: await maxSendRate() }),
    pause: makeDynamoSendPause(db, tableName),
    digestPause: makeDynamoDigestPauseReader(db, tableName),
    metrics: metrics(),
    clock: systemClock,
    ids: uuidIds,
    links: await links(),
    mailFrom: c.mailFrom,
    identity: {
      postalAddress: c.postalAddress,
      unsubscribeMailbox: c.unsubscribeMailbox,
      configurationSet: c.sesConfigurationSet,
    },
    // Twice the send function's timeout: no live invocation can still hold a claim that old.
    claimTimeoutMs: (c.claimTimeoutSeconds ?? 2 * functions.send.timeoutSeconds) * 1000,
  });
});
