/**
 * The send path as it was before the send-rate cap, priorities and concurrent batches (commit ea00660's
 * lib/use-cases/send-delivery.ts), kept for `npm run bench -- send` to measure against: one record at a
 * time, the article read for every message. Only the ledger calls are adapted to today's store.
 */
import { buildRawMessage } from '../lib/email';
import type {
  ArticleReader,
  Clock,
  Delivery,
  DeliveryStore,
  Mailer,
  StoryReader,
  SubscriberStore,
  SuppressionCheck,
} from '../lib/ports';
import { type DeliveryEmail, makeDeliveryEmail } from '../lib/use-cases/delivery-email';
import type { Links } from '../lib/use-cases/links';

type SendOutcome = 'sent' | 'skipped' | 'already-taken';

/**
 * 1. claim the queued delivery (only one worker may send it; a dead worker's claim expires)
 * 2. skip an alert or digest if the subscriber is no longer active, a confirmation if its link expired,
 *    and any of them if the address is on the suppression list (SES reported it bouncing or complaining)
 * 3. render from the compiled templates and send with one-click unsubscribe headers
 * 4. record the provider's message id in the ledger; on failure put it back in the queue and rethrow
 */
export function makeBaselineSendDelivery(deps: {
  subscribers: Pick<SubscriberStore, 'get'>;
  articles: ArticleReader;
  stories: StoryReader;
  deliveries: DeliveryStore;
  suppressions: SuppressionCheck;
  mailer: Mailer;
  clock: Clock;
  links: Links;
  mailFrom: string;
  /**
   * After this long a 'sending' claim is taken to belong to a worker that died mid-send, and a redelivered
   * record may send it: at least once rather than lost, at the price of a rare duplicate.
   */
  claimTimeoutMs: number;
}) {
  const emails = makeDeliveryEmail({ articles: deps.articles, stories: deps.stories, links: deps.links });

  return async function sendDelivery(delivery: Delivery): Promise<SendOutcome> {
    const { subscriberId, key } = delivery;
    const now = deps.clock.now();
    const staleBefore = new Date(now.getTime() - deps.claimTimeoutMs);
    // Today's claim takes an attempt id and sweep time as well; the baseline passes them and ignores them.
    const claim = {
      at: now,
      staleBefore,
      sweepAt: new Date(now.getTime() + deps.claimTimeoutMs),
      attemptId: key,
    };
    if (!(await deps.deliveries.claim(subscriberId, key, claim))) return 'already-taken';
    try {
      const subscriber = await deps.subscribers.get(subscriberId);
      const skip = async (reason: string) => {
        await deps.deliveries.markSkipped(subscriberId, key, reason, deps.clock.now());
        return 'skipped' as const;
      };
      let message: DeliveryEmail | undefined;
      if (delivery.kind === 'confirm') {
        // Whoever asked gets the link, a returning former subscriber too; activation waits for the click.
        if (!subscriber) return await skip('subscriber is gone');
        if (delivery.linkExpiresAt * 1000 <= now.getTime()) return await skip('its link has expired');
        message = emails.confirmation(delivery);
      } else {
        if (subscriber?.status !== 'active') return await skip('subscriber is not active');
        if (subscriber.pausedUntil && subscriber.pausedUntil > now.toISOString()) {
          return await skip(`mail is paused until ${subscriber.pausedUntil}`);
        }
        // The old path kept each topic's query in the delivery: naming the topics cost it no read.
        const queries = new Map(
          delivery.kind === 'alert' ? delivery.topics.map((t) => [t.topicId, t.topicId]) : [],
        );
        message = await emails.listMail(delivery, subscriber, now, queries);
        if (!message) return await skip('its articles are gone');
      }
      // Checked for every message, confirmations too: whoever asks, a suppressed address is never mailed.
      if (await deps.suppressions.isSuppressed(subscriber.email)) {
        return await skip('the address is on the suppression list');
      }
      const raw = await buildRawMessage({
        from: deps.mailFrom,
        to: subscriber.email,
        ...message.email,
        date: deps.clock.now(),
        ...(message.headers && { headers: message.headers }),
      });
      const messageId = await deps.mailer.send({ from: deps.mailFrom, to: subscriber.email, raw });
      await deps.deliveries.markSent(subscriberId, key, messageId, deps.clock.now());
      return 'sent';
    } catch (error) {
      await deps.deliveries.release(
        subscriberId,
        key,
        error instanceof Error ? error.message : String(error),
        deps.clock.now(),
      );
      throw error;
    }
  };
}
