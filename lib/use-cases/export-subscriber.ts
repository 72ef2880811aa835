import type { DeliveryRecord, DeliveryStore, SubscriberStore } from '../ports';
import type { ConsentEntry, Subscriber, Topic } from '../subscriptions/model';

export interface SubscriberExport {
  readonly exportedAt: string;
  readonly profile: Subscriber;
  readonly topics: readonly Topic[];
  readonly consent: readonly ConsentEntry[];
  readonly deliveries: readonly DeliveryRecord[];
}

/**
 * Everything stored about one subscriber (GDPR article 15 and 20): profile, every topic in any state, the
 * consent ledger and the send log. Who may ask is the caller's business (a preference link, the CLI).
 */
export function makeExportSubscriber(deps: { subscribers: SubscriberStore; deliveries: DeliveryStore }) {
  return async function exportSubscriber(subscriber: Subscriber, at: Date): Promise<SubscriberExport> {
    const [topics, consent, deliveries] = await Promise.all([
      deps.subscribers.listTopics(subscriber.id),
      deps.subscribers.consentHistory(subscriber.id),
      deps.deliveries.history(subscriber.id),
    ]);
    return { exportedAt: at.toISOString(), profile: subscriber, topics, consent, deliveries };
  };
}
