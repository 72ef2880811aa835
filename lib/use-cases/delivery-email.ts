import { type Article, snippet } from '../articles';
import { type RenderedEmail, renderAlert, renderConfirmation, renderDigest } from '../email';
import type { AlertDelivery, ArticleStore, ConfirmationDelivery, DigestDelivery } from '../ports';
import { periodLabel } from '../subscriptions/digest-schedule';
import { DEFAULT_DIGEST_WEEKDAY, type Frequency, type Subscriber } from '../subscriptions/model';
import { DEFAULT_DIGEST_HOUR } from '../subscriptions/subscription-request';
import type { Links } from './links';
import { type NamedTopic, nameTopics } from './topic-queries';

const SNIPPET_CHARS = 280;

/** A rendered message and the list headers that go with it (none for a confirmation). */
export interface DeliveryEmail {
  readonly email: RenderedEmail;
  readonly headers?: Record<string, string>;
}

/** "Why you got this": every topic that matched and the words that made it match. */
function describe(topics: readonly NamedTopic[]) {
  return {
    topic: topics.map((t) => t.query).join('; '),
    matchedTerms: [...new Set(topics.flatMap((t) => t.terms))],
  };
}

function articleData(article: Article, topics: readonly NamedTopic[], links: Links) {
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
 * What each kind of delivery says: the message itself and, for list mail, the one-click unsubscribe
 * headers. Sending (claims, checks, the provider, the ledger) is `send-delivery.ts`'s business.
 */
export function makeDeliveryEmail(deps: { articles: Pick<ArticleStore, 'get'>; links: Links }) {
  function confirmation(delivery: ConfirmationDelivery): DeliveryEmail {
    return {
      email: renderConfirmation({
        confirmUrl: deps.links.confirm(delivery.subscriberId, delivery.requestId, delivery.linkExpiresAt),
        ...confirmationTopics(delivery),
        linkExpiresAt: new Date(delivery.linkExpiresAt * 1000).toISOString(),
        timeZone: delivery.timezone,
      }),
    };
  }

  async function listMail(
    delivery: AlertDelivery | DigestDelivery,
    subscriber: Subscriber,
    now: Date,
    /** The subscriber's active topics' queries by id (`activeQueries`): deliveries store only the ids. */
    queries: ReadonlyMap<string, string>,
  ): Promise<DeliveryEmail | undefined> {
    // Every mail carries fresh links (90 days from now), so a reader always holds working ones; the footer
    // and the List-Unsubscribe header share one.
    const links = {
      unsubscribeUrl: deps.links.unsubscribe(subscriber, now),
      preferencesUrl: deps.links.preferences(subscriber, now),
    };
    const timeZone = subscriber.timezone;
    let email: RenderedEmail | undefined;
    if (delivery.kind === 'alert') {
      const topics = nameTopics(delivery.topics, queries);
      if (topics.length === 0) return undefined;
      const article = await deps.articles.get(delivery.articleId);
      if (!article) return undefined;
      const muteLinks = topics.map((topic) => ({
        query: topic.query,
        url: deps.links.mute(subscriber, topic.topicId, now),
      }));
      email = renderAlert({
        ...articleData(article, topics, deps.links),
        ...links,
        muteLinks,
        timeZone,
      });
    } else {
      const items = [];
      for (const entry of delivery.entries) {
        const topics = nameTopics(entry.topics, queries);
        if (topics.length === 0) continue;
        const article = await deps.articles.get(entry.articleId);
        if (article) items.push(articleData(article, topics, deps.links));
      }
      if (items.length === 0) return undefined;
      email = renderDigest({
        period: delivery.period,
        periodLabel: periodLabel(delivery.period, delivery.periodKey),
        items,
        ...links,
        timeZone,
      });
    }
    return {
      email,
      headers: {
        'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
  }

  return { confirmation, listMail };
}

export type DeliveryEmails = ReturnType<typeof makeDeliveryEmail>;
