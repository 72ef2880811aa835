import type { Clock, DeliveryStore, Ids, SubscriberStore, SuppressionCheck } from '../ports';
import type { ConsentContext, Topic } from '../subscriptions/model';
import type { SubscriptionRequest } from '../subscriptions/subscription-request';
import { CONFIRM_TOKEN_TTL_SECONDS } from '../subscriptions/tokens';
import { topicsAfterConfirming } from '../subscriptions/topic-set';

/** At most one confirmation email per address in this long. */
export const CONFIRMATION_INTERVAL_MS = 10 * 60_000;

/**
 * 0. an address on the suppression list goes no further: nothing is written for it and no mail is queued
 * 1. find or create the subscriber for the address (pending until confirmed); at most one request per
 *    address per 10 minutes goes further, so the form cannot be used to mail-bomb an address
 * 2. record the request's settings and its topics as pending, tagged with this request (confirming
 *    applies both: a returning subscriber's new time zone and digest hour win)
 * 3. queue the confirmation email for this request in the delivery ledger; the send function mails it
 *    like every other message (claimed once, retried, logged per recipient)
 * The caller answers 202 whatever happened, so the response never reveals whether an address is known;
 * the result (whether a confirmation email was queued) is for callers that may know, such as an import.
 */
export function makeSubscribeToTopics(deps: {
  subscribers: SubscriberStore;
  deliveries: DeliveryStore;
  suppressions: SuppressionCheck;
  clock: Clock;
  ids: Ids;
}) {
  return async function subscribeToTopics(
    request: SubscriptionRequest,
    consent: ConsentContext,
  ): Promise<boolean> {
    // SES said mail to it bounces or is unwanted; answered like any request, so nobody learns it is listed.
    if (await deps.suppressions.isSuppressed(request.email)) return false;
    const now = deps.clock.now();
    let subscriber = await deps.subscribers.findByEmail(request.email, now);
    if (!subscriber) {
      const candidate = {
        id: deps.ids.newId(),
        email: request.email,
        status: 'pending' as const,
        timezone: request.timezone,
        digestHour: request.digestHour,
        createdAt: now.toISOString(),
      };
      const outcome = await deps.subscribers.create(candidate);
      // A concurrent request may have claimed the address between the read and the write.
      subscriber = outcome === 'created' ? candidate : await deps.subscribers.findByEmail(request.email, now);
      if (!subscriber) throw new Error('The address was claimed but its subscriber cannot be read.');
    }
    // One confirmation email per address per interval, however often the form is posted: a repeat
    // inside it is answered like any other request and changes nothing.
    if (!(await deps.subscribers.claimConfirmationSlot(subscriber.id, now, CONFIRMATION_INTERVAL_MS))) {
      return false;
    }
    if (subscriber.status === 'pending') await deps.subscribers.keepPending(subscriber, now);
    const requestId = deps.ids.newId();
    const topics: Topic[] = request.topics.map(({ query, frequency }) => ({
      subscriberId: subscriber.id,
      id: deps.ids.newId(),
      query,
      frequency,
      status: 'pending',
      requestId,
      createdAt: now.toISOString(),
    }));
    const settings = {
      timezone: request.timezone,
      digestHour: request.digestHour,
      digestWeekday: request.digestWeekday,
    };
    await deps.subscribers.recordRequest(subscriber.id, requestId, settings, now, consent);
    await deps.subscribers.addTopics(topics);
    // The mail lists what confirming gives: a returning reader's active topics as well as the new ones.
    const active = subscriber.status === 'active' ? await deps.subscribers.listTopics(subscriber.id) : [];
    return deps.deliveries.queueConfirmation(
      {
        kind: 'confirm',
        subscriberId: subscriber.id,
        key: `CONFIRM#${requestId}`,
        requestId,
        topics: topicsAfterConfirming(
          active.filter((topic) => topic.status === 'active'),
          request.topics,
        ),
        linkExpiresAt: Math.floor(now.getTime() / 1000) + CONFIRM_TOKEN_TTL_SECONDS,
        ...settings,
      },
      now,
    );
  };
}
