import { InvalidTokenError } from '../errors';
import type { Clock, SubscriberStore } from '../ports';
import type { ConsentContext } from '../subscriptions/model';
import type { Tokens } from '../subscriptions/tokens';

/**
 * 1. verify the signed link
 * 2. activate the subscriber and the topics of that request (idempotent: a second POST changes nothing)
 * 3. refuse a link whose request is spent while the subscriber is not subscribed (they left since)
 */
export function makeConfirmSubscription(deps: {
  subscribers: SubscriberStore;
  tokens: Tokens;
  clock: Clock;
  /** Topics one subscriber may have; a request that would pass it activates only what fits. */
  maxTopics?: number;
}) {
  return async function confirmSubscription(
    token: unknown,
    consent: ConsentContext,
  ): Promise<{ activatedTopics: number }> {
    const now = deps.clock.now();
    const claims = deps.tokens.verify(token, 'confirm', now);
    if (!claims.requestId) throw new InvalidTokenError();
    const subscriber = await deps.subscribers.get(claims.subscriberId);
    if (!subscriber) throw new InvalidTokenError();
    // Suppression is final: the address bounced or complained, and no link may bring it back.
    if (subscriber.status === 'suppressed') {
      throw new InvalidTokenError(
        'This address cannot get mail from Tidings: mail to it bounced or was reported as spam, so nothing will be sent to it.',
      );
    }
    const activatedTopics = await deps.subscribers.confirm(
      subscriber.id,
      claims.requestId,
      now,
      consent,
      deps.maxTopics,
    );
    // Nothing left to activate and not subscribed: the reader unsubscribed after this request, and an old
    // link must not claim otherwise (nor quietly resubscribe them).
    if (activatedTopics === 0 && subscriber.status !== 'active') {
      throw new InvalidTokenError(
        'This confirmation link is no longer valid: you unsubscribed after asking for it. Subscribe again to get a new link.',
      );
    }
    return { activatedTopics };
  };
}
