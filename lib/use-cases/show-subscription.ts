import { InvalidTokenError } from '../errors';
import type { Clock, SubscriberStore } from '../ports';
import type { Frequency, SubscriberStatus } from '../subscriptions/model';
import type { TokenPurpose, Tokens } from '../subscriptions/tokens';

export interface SubscriptionView {
  readonly status: SubscriberStatus;
  /** Every active topic, not only those the last request added: what the reader will now receive. */
  readonly activeTopics: readonly { readonly query: string; readonly frequency: Frequency }[];
}

/**
 * What the page after a confirm or unsubscribe post shows (the post redirects there, so a reload only reads):
 * 1. verify the signed link the post carried, for its purpose
 * 2. read the subscriber's state and active topics
 */
export function makeShowSubscription(deps: {
  subscribers: Pick<SubscriberStore, 'get' | 'listTopics'>;
  tokens: Tokens;
  clock: Clock;
}) {
  return async function showSubscription(token: unknown, purpose: TokenPurpose): Promise<SubscriptionView> {
    const claims = deps.tokens.verify(token, purpose, deps.clock.now());
    const subscriber = await deps.subscribers.get(claims.subscriberId);
    if (!subscriber) throw new InvalidTokenError();
    const topics = await deps.subscribers.listTopics(subscriber.id);
    return {
      status: subscriber.status,
      activeTopics: topics
        .filter((topic) => topic.status === 'active')
        .map(({ query, frequency }) => ({ query, frequency })),
    };
  };
}
