import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { makeConfirmSubscription } from '../use-cases/confirm-subscription';
import { makeSubscribeToTopics } from '../use-cases/subscribe-to-topics';
import { makeUnsubscribe } from '../use-cases/unsubscribe';
import { mailerFor } from './mail';
import { once } from './once';
import { config, systemClock, uuidIds } from './runtime';
import { linksFor } from './secrets';
import { tableFor } from './table';

/** What the subscriptions function uses: subscribers, signed links and the confirmation mail. */
const table = tableFor('subscriptions');
const links = linksFor('subscriptions');
const mailer = mailerFor('subscriptions');

const subscribers = once(() => {
  const { db, tableName } = table();
  return makeDynamoSubscriberStore(db, tableName);
});

export const subscribeToTopics = once(async () =>
  makeSubscribeToTopics({
    subscribers: subscribers(),
    mailer: mailer(),
    clock: systemClock,
    ids: uuidIds,
    links: (await links()).links,
    mailFrom: config().mailFrom,
  }),
);

export const confirmSubscription = once(async () =>
  makeConfirmSubscription({ subscribers: subscribers(), tokens: (await links()).tokens, clock: systemClock }),
);

export const unsubscribe = once(async () =>
  makeUnsubscribe({ subscribers: subscribers(), tokens: (await links()).tokens, clock: systemClock }),
);
