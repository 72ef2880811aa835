import { type Article, snippet } from '../articles';
import { buildRawMessage, type RenderedEmail, renderAlert, renderConfirmation, renderDigest } from '../email';
import type {
  AlertDelivery,
  ArticleStore,
  Clock,
  ConfirmationDelivery,
  Delivery,
  DeliveryStore,
  DigestDelivery,
  Mailer,
  MatchedTopic,
  SubscriberStore,
  SuppressionCheck,
} from '../ports';
import { periodLabel } from '../subscriptions/digest-schedule';
import { DEFAULT_DIGEST_WEEKDAY, type Frequency, type Subscriber } from '../subscriptions/model';
import { DEFAULT_DIGEST_HOUR } from '../subscriptions/subscription-request';
import type { Links } from './links';

export type SendOutcome = 'sent' | 'skipped' | 'already-taken';

const SNIPPET_CHARS = 280;

/** "Why you got this": every topic that matched and the words that made it match. */
function describe(topics: readonly MatchedTopic[]) {
  return {
    topic: topics.map((t) => t.query).join('; '),
    matchedTerms: [...new Set(topics.flatMap((t) => t.terms))],
  };
}

function articleData(article: Article, topics: readonly MatchedTopic[], links: Links) {
  return {
    headline: article.title,
    articleUrl: links.article(article),
    publishedAt: article.publishedAt,
    source: article.source,
    snippet: snippet(article, SNIPPET_CHARS),
    ...describe(topics),
  };
}

/**
 * The topics and digest times a confirmation shows. Confirmations queued before topics had their own
 * frequency carry plain queries and one `frequency`; they are still in the ledger after a deploy.
 */
function confirmationTopics(delivery: ConfirmationDelivery) {
  const legacy = delivery as unknown as { frequency?: Frequency };
  return {
    topics: delivery.topics.map((topic) =>
      typeof topic === 'string'
        ? { query: topic, frequency: legacy.frequency ?? 'instant', isNew: true }
        : topic,
    ),
    digestHour: delivery.digestHour ?? DEFAULT_DIGEST_HOUR,
    digestWeekday: delivery.digestWeekday ?? DEFAULT_DIGEST_WEEKDAY,
  };
}

/**
 * 1. claim the queued delivery (only one worker may send it; a dead worker's claim expires)
 * 2. skip an alert or digest if the subscriber is no longer active, a confirmation if its link expired,
 *    and any of them if the address is on the suppression list (SES reported it bouncing or complaining)
 * 3. render from the compiled templates and send with one-click unsubscribe headers
 * 4. record the provider's message id in the ledger; on failure put it back in the queue and rethrow
 */
export function makeSendDelivery(deps: {
  subscribers: Pick<SubscriberStore, 'get'>;
  articles: ArticleStore;
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
  async function render(
    delivery: AlertDelivery | DigestDelivery,
    subscriber: Subscriber,
    now: Date,
    links: { readonly unsubscribeUrl: string; readonly preferencesUrl: string },
  ) {
    const timeZone = subscriber.timezone;
    if (delivery.kind === 'alert') {
      const article = await deps.articles.get(delivery.articleId);
      if (!article) return undefined;
      const muteLinks = delivery.topics.map((topic) => ({
        query: topic.query,
        url: deps.links.mute(subscriber, topic.topicId, now),
      }));
      return renderAlert({
        ...articleData(article, delivery.topics, deps.links),
        ...links,
        muteLinks,
        timeZone,
      });
    }
    const items = [];
    for (const entry of delivery.entries) {
      const article = await deps.articles.get(entry.articleId);
      if (article) items.push(articleData(article, entry.topics, deps.links));
    }
    if (items.length === 0) return undefined;
    return renderDigest({
      period: delivery.period,
      periodLabel: periodLabel(delivery.period, delivery.periodKey),
      items,
      ...links,
      timeZone,
    });
  }

  return async function sendDelivery(delivery: Delivery): Promise<SendOutcome> {
    const { subscriberId, key } = delivery;
    const now = deps.clock.now();
    const staleBefore = new Date(now.getTime() - deps.claimTimeoutMs);
    if (!(await deps.deliveries.claim(subscriberId, key, now, staleBefore))) return 'already-taken';
    try {
      const subscriber = await deps.subscribers.get(subscriberId);
      const skip = async (reason: string) => {
        await deps.deliveries.markSkipped(subscriberId, key, reason, deps.clock.now());
        return 'skipped' as const;
      };
      let email: RenderedEmail | undefined;
      let headers: Record<string, string> | undefined;
      if (delivery.kind === 'confirm') {
        // Whoever asked gets the link, a returning former subscriber too; activation waits for the click.
        if (!subscriber) return await skip('subscriber is gone');
        if (delivery.linkExpiresAt * 1000 <= now.getTime()) return await skip('its link has expired');
        email = renderConfirmation({
          confirmUrl: deps.links.confirm(subscriberId, delivery.requestId, delivery.linkExpiresAt),
          ...confirmationTopics(delivery),
          linkExpiresAt: new Date(delivery.linkExpiresAt * 1000).toISOString(),
          timeZone: delivery.timezone,
        });
      } else {
        if (subscriber?.status !== 'active') return await skip('subscriber is not active');
        if (subscriber.pausedUntil && subscriber.pausedUntil > now.toISOString()) {
          return await skip(`mail is paused until ${subscriber.pausedUntil}`);
        }
        // Every mail carries fresh links (90 days from now), so a reader always holds working ones; the
        // footer and the List-Unsubscribe header share one.
        const links = {
          unsubscribeUrl: deps.links.unsubscribe(subscriber, now),
          preferencesUrl: deps.links.preferences(subscriber, now),
        };
        email = await render(delivery, subscriber, now, links);
        if (!email) return await skip('its articles are gone');
        headers = {
          'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        };
      }
      // Checked for every message, confirmations too: whoever asks, a suppressed address is never mailed.
      if (await deps.suppressions.isSuppressed(subscriber.email)) {
        return await skip('the address is on the suppression list');
      }
      const raw = await buildRawMessage({
        from: deps.mailFrom,
        to: subscriber.email,
        ...email,
        date: deps.clock.now(),
        ...(headers && { headers }),
      });
      const messageId = await deps.mailer.send({ from: deps.mailFrom, to: subscriber.email, raw });
      await deps.deliveries.markSent(subscriberId, key, messageId, deps.clock.now());
      return 'sent';
    } catch (error) {
      await deps.deliveries.release(
        subscriberId,
        key,
        error instanceof Error ? error.message : String(error),
      );
      throw error;
    }
  };
}
