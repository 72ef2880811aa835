import { makeDynamoDeliveryStore } from '../adapters/dynamo/delivery-store';
import { makeDynamoRateLimiter } from '../adapters/dynamo/rate-limiter';
import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { rejectDisposableAddress as rejectListed } from '../subscriptions/disposable-domains';
import { makeConfirmSubscription } from '../use-cases/confirm-subscription';
import { makeLimitSubscribes } from '../use-cases/limit-subscribes';
import { makeSubscribeToTopics } from '../use-cases/subscribe-to-topics';
import { makeUnsubscribe } from '../use-cases/unsubscribe';
import { once } from './once';
import { config, systemClock, uuidIds } from './runtime';
import { tokensFor } from './secrets';
import { suppressionsFor } from './suppressions';
import { tableFor } from './table';

/**
 * What the subscriptions function uses: subscribers, the delivery ledger its confirmation emails are
 * queued in (the send function mails them), the suppression list it checks before either, and the token
 * check of confirm and unsubscribe links.
 */
const table = tableFor('subscriptions');
const tokens = tokensFor('subscriptions');
const suppressions = suppressionsFor('subscriptions', table);

const stores = once(() => {
  const { db, tableName } = table();
  return {
    subscribers: makeDynamoSubscriberStore(db, tableName),
    deliveries: makeDynamoDeliveryStore(db, tableName),
    limiter: makeDynamoRateLimiter(db, tableName),
  };
});

export const limitSubscribes = once(() =>
  makeLimitSubscribes({
    limiter: stores().limiter,
    clock: systemClock,
    perMinute: config().subscribePerIpPerMinute,
  }),
);

export const subscribeToTopics = once(async () =>
  makeSubscribeToTopics({
    subscribers: stores().subscribers,
    deliveries: stores().deliveries,
    suppressions: await suppressions(),
    clock: systemClock,
    ids: uuidIds,
  }),
);

export const confirmSubscription = once(async () =>
  makeConfirmSubscription({
    subscribers: stores().subscribers,
    tokens: await tokens(),
    clock: systemClock,
    maxTopics: config().maxTopics,
  }),
);

export const unsubscribe = once(async () =>
  makeUnsubscribe({ subscribers: stores().subscribers, tokens: await tokens(), clock: systemClock }),
);

/** What one subscriber may ask for. */
export const requestLimits = () => ({ maxTopics: config().maxTopics });

/** Refuses addresses at the disposable-mail domains the operator lists (none unless configured). */
export const rejectDisposableAddress = (email: string) => rejectListed(email, config().disposableDomains);

/** The origin the subscriptions function's own pages are served from: the only one its forms accept. */
export const publicUrl = () => config().publicUrl;
