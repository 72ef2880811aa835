import { makeDynamoArticleStore } from '../adapters/dynamo/article-store';
import { makeDynamoDeliveryStore } from '../adapters/dynamo/delivery-store';
import { makeDynamoSubscriberReader } from '../adapters/dynamo/subscriber-reader';
import { functions } from '../manifest';
import { makeSendDelivery } from '../use-cases/send-delivery';
import { mailerFor } from './mail';
import { once } from './once';
import { config, systemClock } from './runtime';
import { linksFor } from './secrets';
import { suppressionsFor } from './suppressions';
import { tableFor } from './table';

/**
 * What the send function uses: the ledger, subscribers and articles it renders, the suppression list it
 * checks before every message, signed links and SES.
 */
const table = tableFor('send');
const links = linksFor('send');
const mailer = mailerFor('send');
const suppressions = suppressionsFor('send', table);

export const sendDelivery = once(async () => {
  const { db, tableName } = table();
  return makeSendDelivery({
    subscribers: makeDynamoSubscriberReader(db, tableName),
    articles: makeDynamoArticleStore(db, tableName),
    deliveries: makeDynamoDeliveryStore(db, tableName),
    suppressions: await suppressions(),
    mailer: mailer(),
    clock: systemClock,
    links: await links(),
    mailFrom: config().mailFrom,
    identity: {
      postalAddress: config().postalAddress,
      unsubscribeMailbox: config().unsubscribeMailbox,
      configurationSet: config().sesConfigurationSet,
    },
    // Twice the send function's timeout: no live invocation can still hold a claim that old.
    claimTimeoutMs: 2 * functions.send.timeoutSeconds * 1000,
  });
});
