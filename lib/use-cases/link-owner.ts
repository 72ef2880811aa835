import { InvalidTokenError } from '../errors';
import type { Clock, SubscriberStore } from '../ports';
import type { Subscriber } from '../subscriptions/model';
import {
  requireCurrentGeneration,
  type TokenClaims,
  type TokenPurpose,
  type Tokens,
} from '../subscriptions/tokens';

/**
 * Who a lasting link (preferences, mute) belongs to: its signature, purpose and expiry checked, and its
 * generation the subscriber's current one (they have not revoked it). With `active`, a subscriber who has
 * left is refused with a page that says so.
 */
export function makeLinkOwner(deps: {
  subscribers: Pick<SubscriberStore, 'get'>;
  tokens: Tokens;
  clock: Clock;
}) {
  return async function linkOwner(
    token: unknown,
    purpose: TokenPurpose,
    options: { readonly active: boolean },
  ): Promise<{ claims: TokenClaims; subscriber: Subscriber; now: Date }> {
    const now = deps.clock.now();
    const claims = deps.tokens.verify(token, purpose, now);
    const subscriber = await deps.subscribers.get(claims.subscriberId);
    if (!subscriber) throw new InvalidTokenError();
    requireCurrentGeneration(claims, subscriber);
    if (options.active && subscriber.status !== 'active') {
      throw new InvalidTokenError(
        'You are not subscribed any more, so there is nothing to manage here. Subscribe again to choose topics.',
      );
    }
    return { claims, subscriber, now };
  };
}

export type LinkOwner = ReturnType<typeof makeLinkOwner>;
