import { InvalidTokenError } from '../errors';
import type { Clock, SubscriberStore } from '../ports';
import type { ConsentContext } from '../subscriptions/model';
import { requireCurrentGeneration, type Tokens } from '../subscriptions/tokens';

/**
 * 1. verify the signed link, of the subscriber's current link generation
 * 2. mark the subscriber unsubscribed and take every topic out of matching (idempotent)
 */
export function makeUnsubscribe(deps: { subscribers: SubscriberStore; tokens: Tokens; clock: Clock }) {
  return async function unsubscribe(token: unknown, consent: ConsentContext): Promise<void> {
    const now = deps.clock.now();
    const claims = deps.tokens.verify(token, 'unsubscribe', now);
    const subscriber = await deps.subscribers.get(claims.subscriberId);
    if (!subscriber) throw new InvalidTokenError();
    requireCurrentGeneration(claims, subscriber);
    await deps.subscribers.unsubscribe(subscriber.id, now, consent);
  };
}
