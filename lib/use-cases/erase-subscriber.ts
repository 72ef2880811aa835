import type { Clock, SubscriberStore, SuppressionList } from '../ports';
import type { ConsentContext, Subscriber } from '../subscriptions/model';

/**
 * The right to erasure (GDPR article 17), asked for through the subscriber's own preference link:
 * 1. put the address's salted hash on the suppression list, so it is never mailed again (the one thing
 *    kept: without it a re-import or a bot could sign the address up afresh)
 * 2. end the subscription, taking every topic out of matching
 * 3. delete the profile, topics' text, requests, consent ledger, deliveries and held matches
 * Each step is idempotent, so the same link used again after a crash finishes the job.
 */
export function makeEraseSubscriber(deps: {
  subscribers: SubscriberStore;
  suppressions: Pick<SuppressionList, 'suppress'>;
  clock: Clock;
}) {
  return async function eraseSubscriber(subscriber: Subscriber, consent: ConsentContext): Promise<void> {
    const now = deps.clock.now();
    await deps.suppressions.suppress(
      subscriber.email,
      { reason: 'erased', detail: 'erased at the subscriber’s request', messageId: '', feedbackId: '' },
      now,
    );
    await deps.subscribers.unsubscribe(subscriber.id, now, consent);
    await deps.subscribers.erase(subscriber.id, now);
  };
}
