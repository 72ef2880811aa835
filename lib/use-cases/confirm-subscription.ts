import { InvalidTokenError } from '../errors';
import type { Clock, SubscriberStore } from '../ports';
import type { Tokens } from '../subscriptions/tokens';

/**
 * 1. verify the signed link
 * 2. activate the subscriber and the topics of that request (idempotent: a second POST changes nothing)
 */
export function makeConfirmSubscription(deps: {
  subscribers: SubscriberStore;
  tokens: Tokens;
  clock: Clock;
}) {
  return async function confirmSubscription(token: unknown): Promise<{ activatedTopics: number }> {
    const now = deps.clock.now();
    const claims = deps.tokens.verify(token, 'confirm', now);
    if (!claims.requestId) throw new InvalidTokenError();
    const subscriber = await deps.subscribers.get(claims.subscriberId);
    if (!subscriber) throw new InvalidTokenError();
    return { activatedTopics: await deps.subscribers.confirm(subscriber.id, claims.requestId, now) };
  };
}
