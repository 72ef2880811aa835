/**
 * Every item key and access pattern of the single table, in one place. Entities carry an `entity`
 * attribute so stream filters (see `lib/manifest.ts`) can pick the records a function cares about.
 */

/** Active topics and digest subscribers are spread over this many GSI partitions so no one key gets hot. */
export const SHARDS = 8;

export function shardOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % SHARDS;
}

/** Articles by publication day (UTC), for digests, the archive and previews. */
const articleDay = (day: string) => `DAY#${day}`;

export const keys = {
  article: (id: string) => ({ pk: `ARTICLE#${id}`, sk: 'ARTICLE' }),
  articleByDay: (day: string, publishedAt: string, id: string) => ({
    gsi1pk: articleDay(day),
    gsi1sk: `${publishedAt}#${id}`,
  }),
  articleDay,
  email: (normalisedEmail: string) => ({ pk: `EMAIL#${normalisedEmail}`, sk: 'EMAIL' }),
  profile: (subscriberId: string) => ({ pk: `SUB#${subscriberId}`, sk: 'PROFILE' }),
  topic: (subscriberId: string, topicId: string) => ({ pk: `SUB#${subscriberId}`, sk: `TOPIC#${topicId}` }),
  topicPrefix: 'TOPIC#',
  /** One subscription request's settings, applied to the profile when the request is confirmed. */
  request: (subscriberId: string, requestId: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `REQUEST#${requestId}`,
  }),
  /**
   * Active topics, and topics retired since, sorted by when they changed: a warm matcher reads only what
   * changed after its cursor instead of every topic.
   */
  topicShard: (state: TopicIndexState, shard: number) => `${state}#${shard}`,
  topicIndex: (state: TopicIndexState, subscriberId: string, topicId: string, changedAt: string) => ({
    gsi1pk: `${state}#${shardOf(subscriberId)}`,
    gsi1sk: `${changedAt}#${subscriberId}#${topicId}`,
  }),
  digestShard: (shard: number) => `DIGESTS#${shard}`,
  digestIndex: (subscriberId: string) => ({
    gsi1pk: `DIGESTS#${shardOf(subscriberId)}`,
    gsi1sk: subscriberId,
  }),
  delivery: (subscriberId: string, deliveryKey: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `DELIVERY#${deliveryKey}`,
  }),
  pendingDigestItem: (subscriberId: string, period: string, articleId: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `PENDING#${period}#${articleId}`,
  }),
  pendingDigestPrefix: (period: string) => `PENDING#${period}#`,
  /** One consent-ledger line; sorted by time, and unique even for two changes in the same millisecond. */
  consent: (subscriberId: string, at: string, action: string, nonce: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `CONSENT#${at}#${action}#${nonce}`,
  }),
  consentPrefix: 'CONSENT#',
  /** A rate-limit counter: one item per limited thing (a hashed client IP) and window. */
  rateCounter: (subject: string, windowStart: string) => ({ pk: `RATE#${subject}`, sk: windowStart }),
  /**
   * An address's suppression entry, by its salted hash (never the address itself; see
   * `subscriptions/suppression.ts`), and the transient bounces counted towards it, one per SES feedback id.
   */
  suppression: (addressHash: string) => ({ pk: `SUPPRESS#${addressHash}`, sk: 'SUPPRESSED' }),
  transientBounce: (addressHash: string, feedbackId: string) => ({
    pk: `SUPPRESS#${addressHash}`,
    sk: `TRANSIENT#${feedbackId}`,
  }),
  transientBouncePrefix: 'TRANSIENT#',
  /**
   * In-flight deliveries by shard and the time the sweeper should look at them (ISO, so they sort by time);
   * the subscriber and key follow only to keep two due at the same millisecond apart in the sort order.
   */
  sweepShard: (shard: number) => `SWEEP#${shard}`,
  sweepIndex: (subscriberId: string, deliveryKey: string, dueAt: string) => ({
    gsi1pk: `SWEEP#${shardOf(subscriberId)}`,
    gsi1sk: `${dueAt}#${subscriberId}#${deliveryKey}`,
  }),
  /** The send-rate cap's counter for one second (Unix seconds), shared by every sender. */
  sendWindow: (second: number) => ({ pk: `SENDRATE#${second}`, sk: 'WINDOW' }),
  /** Set when SES reports the daily quota used up: no one sends until its `until`. */
  sendPause: () => ({ pk: 'SENDPAUSE', sk: 'PAUSE' }),
  /** Bumped on every change to the set of active topics so matchers know their cached index is stale. */
  topicsVersion: () => ({ pk: 'META', sk: 'TOPICS_VERSION' }),
} as const;

export const GSI1 = 'gsi1';

export type TopicIndexState = 'TOPICS' | 'RETIRED';
