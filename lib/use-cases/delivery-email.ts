import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { type Article, snippet } from '../articles';
import {
  type PreparedEmail,
  personaliseAlert,
  prepareAlert,
  type RenderedEmail,
  renderConfirmation,
  renderDigest,
} from '../email';
import type {
  AlertDelivery,
  ArticleReader,
  ConfirmationDelivery,
  Delivery,
  DigestDelivery,
  StoryReader,
} from '../ports';
import { periodLabel } from '../subscriptions/digest-schedule';
import { DEFAULT_DIGEST_WEEKDAY, type Frequency, type Subscriber } from '../subscriptions/model';
import { DEFAULT_DIGEST_HOUR } from '../subscriptions/subscription-request';
import type { Links } from './links';
import { type NamedTopic, nameTopics } from './topic-queries';

const SNIPPET_CHARS = 280;
/** Alerts prepared per article and topic set, kept while a send function stays warm; one article's fan-out. */
const PREPARED_ALERTS = 200;

/** A rendered message, the list headers that go with it (none for a confirmation) and its Message-ID. */
export interface DeliveryEmail {
  readonly email: RenderedEmail;
  readonly headers?: Record<string, string>;
  /** `<id@sending-domain>`, the same for every attempt at one delivery, so a retried send is one message. */
  readonly messageId?: string;
}

/** Who sends: what list mail says about its sender in headers and footer. */
export interface MailIdentity {
  /** The From header; its domain names Message-IDs, the List-Id and the mailto unsubscribe address. */
  readonly mailFrom: string;
  /** Printed in the footer of every alert and digest. */
  readonly postalAddress?: string;
  /** Address of the `mailto:` List-Unsubscribe; `unsubscribe@<sending domain>` when unset. */
  readonly unsubscribeMailbox?: string;
  /** SES configuration set, also named in `X-SES-CONFIGURATION-SET` so its events follow the message. */
  readonly configurationSet?: string;
}

/** The topics of an article as the email shows them: each as the subscriber wrote it, with its own words. */
function topicMatches(topics: readonly NamedTopic[]) {
  return topics.map((topic) => ({ query: topic.query, terms: topic.terms }));
}

function articleData(article: Article, topics: readonly NamedTopic[], links: Links) {
  return {
    headline: article.title,
    articleUrl: links.article(article),
    publishedAt: article.publishedAt,
    source: article.source,
    snippet: snippet(article, SNIPPET_CHARS),
    topics: topicMatches(topics),
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

/** The ASCII (IDNA) domain of the From address. */
function sendingDomain(mailFrom: string): string {
  const address = /<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom;
  return domainToASCII(address.slice(address.lastIndexOf('@') + 1).trim()).toLowerCase();
}

/**
 * What each kind of delivery says: the message itself and, for list mail, the headers mailbox providers
 * and readers look for (one-click unsubscribe, list identity, feedback loop). Sending (claims, checks, the
 * provider, the ledger) is `send-delivery.ts`'s business.
 */
/** Other outlets an email names at most: the line says the story is confirmed, not who carried it all. */
const OUTLETS_NAMED = 5;

export function makeDeliveryEmail(deps: {
  articles: ArticleReader;
  stories: StoryReader;
  links: Links;
  identity?: MailIdentity;
}) {
  const identity = deps.identity;
  const domain = identity ? sendingDomain(identity.mailFrom) : undefined;
  const unsubscribeMailbox = identity?.unsubscribeMailbox ?? (domain && `unsubscribe@${domain}`);
  const prepared = new Map<string, PreparedEmail>();

  /** Same delivery, same id: a send retried after a crash is recognisable as the same message. */
  function messageId(delivery: Delivery): string | undefined {
    if (!domain) return undefined;
    const id = createHash('sha256').update(`${delivery.subscriberId}\n${delivery.key}`).digest('base64url');
    return `<${id.slice(0, 32)}.${delivery.kind}@${domain}>`;
  }

  function confirmation(delivery: ConfirmationDelivery): DeliveryEmail {
    const id = messageId(delivery);
    return {
      email: renderConfirmation({
        confirmUrl: deps.links.confirm(delivery.subscriberId, delivery.requestId, delivery.linkExpiresAt),
        ...confirmationTopics(delivery),
        linkExpiresAt: new Date(delivery.linkExpiresAt * 1000).toISOString(),
        timeZone: delivery.timezone,
      }),
      ...(id && { messageId: id }),
    };
  }

  /**
   * One alert's article rendered once per topic set, zone and freshness: an article fanned out to many
   * readers costs one render, and each reader's email is that with their links filled in.
   */
  /** The names of the other outlets that reported the article's story, none twice, not its own. */
  async function otherOutlets(article: Article): Promise<string[]> {
    const outlets = await deps.stories.outletsOf(article.storyId ?? article.id, 4 * OUTLETS_NAMED);
    const names = new Set<string>();
    for (const outlet of outlets) {
      if (outlet.id !== article.id && outlet.source && outlet.source !== article.source)
        names.add(outlet.source);
    }
    return [...names].slice(0, OUTLETS_NAMED);
  }

  function preparedAlert(
    article: Article,
    topics: readonly NamedTopic[],
    alsoReportedBy: readonly string[],
    timeZone: string,
    now: Date,
  ) {
    const isOld = now.getTime() - Date.parse(article.publishedAt) > 24 * 60 * 60 * 1000;
    const key = JSON.stringify([
      article.id,
      timeZone,
      isOld,
      alsoReportedBy,
      topics.map((t) => [t.query, t.terms]),
    ]);
    let email = prepared.get(key);
    if (!email) {
      email = prepareAlert({
        ...articleData(article, topics, deps.links),
        alsoReportedBy,
        archiveUrl: deps.links.article({ id: article.id }),
        sentAt: now.toISOString(),
        timeZone,
        ...(identity?.postalAddress && { postalAddress: identity.postalAddress }),
      });
      if (prepared.size >= PREPARED_ALERTS) prepared.delete(prepared.keys().next().value as string);
      prepared.set(key, email);
    }
    return email;
  }

  function listHeaders(delivery: AlertDelivery | DigestDelivery, unsubscribeUrl: string) {
    const headers: Record<string, string> = { 'List-Unsubscribe': `<${unsubscribeUrl}>` };
    if (unsubscribeMailbox) {
      // A client without HTTPS one-click support mails this; the token in the subject says who.
      const token = new URL(unsubscribeUrl).searchParams.get('token') ?? '';
      headers['List-Unsubscribe'] +=
        `, <mailto:${unsubscribeMailbox}?subject=${encodeURIComponent(`unsubscribe ${token}`)}>`;
    }
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    if (domain) {
      headers['List-Id'] = `Tidings <tidings.${domain}>`;
      // Gmail's feedback loop: campaign:customer:mail type:sender, so complaints are counted per kind.
      const campaign = delivery.kind === 'digest' ? delivery.period : 'instant';
      headers['Feedback-ID'] = `${campaign}:${delivery.kind}:tidings:${domain}`;
    }
    if (identity?.configurationSet) headers['X-SES-CONFIGURATION-SET'] = identity.configurationSet;
    return headers;
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
    const timeZone = subscriber.timezone ?? 'UTC';
    let email: RenderedEmail | undefined;
    if (delivery.kind === 'alert') {
      const topics = nameTopics(delivery.topics, queries);
      if (topics.length === 0) return undefined;
      const article = await deps.articles.get(delivery.articleId);
      if (!article) return undefined;
      const outlets = await otherOutlets(article);
      email = personaliseAlert(preparedAlert(article, topics, outlets, timeZone, now), {
        ...links,
        muteUrls: delivery.topics.map((topic) => deps.links.mute(subscriber, topic.topicId, now)),
      });
    } else {
      const named = delivery.entries.flatMap((entry) => {
        const topics = nameTopics(entry.topics, queries);
        return topics.length > 0 ? [{ articleId: entry.articleId, topics }] : [];
      });
      // Every story of the digest in one read (up to 50), not one round trip each.
      const articles = await deps.articles.getMany(named.map((entry) => entry.articleId));
      const items = (
        await Promise.all(
          named.map(async ({ articleId, topics }) => {
            const article = articles.get(articleId);
            if (!article) return [];
            const alsoReportedBy = await otherOutlets(article);
            return [{ ...articleData(article, topics, deps.links), alsoReportedBy }];
          }),
        )
      ).flat();
      if (items.length === 0) return undefined;
      email = renderDigest({
        period: delivery.period,
        periodLabel: periodLabel(delivery.period, delivery.periodKey),
        items,
        remaining: delivery.remaining ?? 0,
        ...links,
        ...(identity?.postalAddress && { postalAddress: identity.postalAddress }),
        timeZone,
      });
    }
    const id = messageId(delivery);
    return { email, headers: listHeaders(delivery, links.unsubscribeUrl), ...(id && { messageId: id }) };
  }

  return { confirmation, listMail };
}

export type DeliveryEmails = ReturnType<typeof makeDeliveryEmail>;
