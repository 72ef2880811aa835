import { InvalidTokenError } from '../errors';
import type { Clock, SubscriberStore } from '../ports';
import type { Frequency, SubscriberStatus } from '../subscriptions/model';
import type { TokenPurpose, Tokens } from '../subscriptions/tokens';
import { type TopicAfterConfirming, topicsAfterConfirming } from '../subscriptions/topic-set';

export interface SubscriptionView {
  readonly status: SubscriberStatus;
  /** Every active topic, not only those the last request added: what the reader will now receive. */
  readonly activeTopics: readonly { readonly query: string; readonly frequency: Frequency }[];
  /**
   * For a confirmation link whose request is still pending: every topic the reader will have once they
   * confirm it, the request's own marked new. Empty once the request is confirmed (or lapsed).
   */
  readonly afterConfirming: readonly TopicAfterConfirming[];
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
    const active = topics.filter((topic) => topic.status === 'active');
    const requested = topics.filter(
      (topic) => topic.status === 'pending' && claims.requestId && topic.requestId === claims.requestId,
    );
    return {
      status: subscriber.status,
      activeTopics: active.map(({ query, frequency }) => ({ query, frequency })),
      afterConfirming: requested.length > 0 ? topicsAfterConfirming(active, requested) : [],
    };
  };
}
