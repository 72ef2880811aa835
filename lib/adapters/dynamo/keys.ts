/**
 * Every item key and access pattern of the single table, in one place. Entities carry an `entity`
 * attribute so stream filters (see `lib/manifest.ts`) can pick the records a function cares about.
 */

/** Digest subscribers are spread over this many GSI partitions so no one key gets hot. */
export const DIGEST_SHARDS = 8;
/** In-flight deliveries spread over this many partitions of the sweep index. */
export const SWEEP_SHARDS = 8;
/**
 * Topics are spread over more: a cold matcher reads every shard at once, and a shard's pages one after
 * another, so at a million topics (about 140 MB of index) 16 shards keep each sequence near 9 MB.
 */
export const TOPIC_SHARDS = 16;
/** Active feeds spread over this many partitions of the poll index (each poll rewrites a feed's index key). */
export const FEED_POLL_SHARDS = 4;

export function shardOf(id: string, shards: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % shards;
}

const SUBSCRIBER_PREFIX = 'SUB#';
const TOPIC_PREFIX = 'TOPIC#';

/** Articles by publication day (UTC), for digests, the archive and previews. */
const articleDay = (day: string) => `DAY#${day}`;

export const keys = {
  article: (id: string) => ({ pk: `ARTICLE#${id}`, sk: 'ARTICLE' }),
  articleByDay: (day: string, publishedAt: string, id: string) => ({
    gsi1pk: articleDay(day),
    gsi1sk: `${publishedAt}#${id}`,
  }),
  articleDay,
  /**
   * One near-duplicate band of a story's signature (see `articles/near-duplicate.ts`): stories sharing a band
   * value are candidates for being the same story. Sorted by publication time, so the lookup reads only the
   * window around the new story's, and spread over as many partitions as band values.
   */
  storyBand: (band: string, publishedAt: string, articleId: string) => ({
    pk: `NEARDUP#${band}`,
    sk: `${publishedAt}#${articleId}`,
  }),
  storyBandPartition: (band: string) => `NEARDUP#${band}`,
  /** An article's entry in its story's list of outlets, oldest first: what "also reported by" reads. */
  storyMember: (storyId: string, publishedAt: string, articleId: string) => ({
    pk: `STORY#${storyId}`,
    sk: `MEMBER#${publishedAt}#${articleId}`,
  }),
  storyPartition: (storyId: string) => `STORY#${storyId}`,
  storyMemberPrefix: 'MEMBER#',
  email: (normalisedEmail: string) => ({ pk: `EMAIL#${normalisedEmail}`, sk: 'EMAIL' }),
  profile: (subscriberId: string) => ({ pk: `${SUBSCRIBER_PREFIX}${subscriberId}`, sk: 'PROFILE' }),
  topic: (subscriberId: string, topicId: string) => ({
    pk: `${SUBSCRIBER_PREFIX}${subscriberId}`,
    sk: `${TOPIC_PREFIX}${topicId}`,
  }),
  /** The ids a topic item's key holds: what the topics index reads them from, as it projects no copy. */
  topicIds: (key: { pk: string; sk: string }) => ({
    subscriberId: key.pk.slice(SUBSCRIBER_PREFIX.length),
    topicId: key.sk.slice(TOPIC_PREFIX.length),
  }),
  topicPrefix: TOPIC_PREFIX,
  /** One subscription request's settings, applied to the profile when the request is confirmed. */
  request: (subscriberId: string, requestId: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `REQUEST#${requestId}`,
  }),
  /**
   * Active topics, and topics retired since, in the topics index, sorted by when they changed: a warm
   * matcher reads only what changed after its cursor instead of every topic. The sort key is the time alone
   * (index keys need not be unique): the ids are in the table key, and every byte here is read per topic.
   */
  topicShard: (state: TopicIndexState, shard: number) => `${state}#${shard}`,
  topicIndex: (state: TopicIndexState, subscriberId: string, changedAt: string) => ({
    tpk: `${state}#${shardOf(subscriberId, TOPIC_SHARDS)}`,
    tsk: changedAt,
  }),
  /**
   * Digest subscribers by the instant (UTC) their next digest is due, on the profile: a run reads only the
   * ones due by now, however many subscribers wait for a later hour.
   */
  digestDueShard: (shard: number) => `DUE#${shard}`,
  digestDue: (subscriberId: string, due: Date) => ({
    gsi1pk: `DUE#${shardOf(subscriberId, DIGEST_SHARDS)}`,
    gsi1sk: `${due.toISOString()}#${subscriberId}`,
  }),
  digestShard: (shard: number) => `DIGESTS#${shard}`,
  digestIndex: (subscriberId: string) => ({
    gsi1pk: `DIGESTS#${shardOf(subscriberId, DIGEST_SHARDS)}`,
    gsi1sk: subscriberId,
  }),
  delivery: (subscriberId: string, deliveryKey: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `DELIVERY#${deliveryKey}`,
  }),
  /** A story held for one of the subscriber's digests: by story, so another outlet's version adds nothing. */
  pendingDigestItem: (subscriberId: string, period: string, storyId: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `PENDING#${period}#${storyId}`,
  }),
  /**
   * One chunk of an article's fan-out. Each chunk is a partition of its own, so the stream spreads chunks
   * over shards and the event source's parallelisation handles them side by side, not one after another.
   */
  fanOutChunk: (articleId: string, planId: string, index: number) => ({
    pk: `FANOUT#${articleId}#${planId}#${index}`,
    sk: 'CHUNK',
  }),
  pendingDigestPrefix: (period?: string) => (period ? `PENDING#${period}#` : 'PENDING#'),
  /**
   * The articles the subscriber's digests of one month (UTC, `2026-12`) listed, as one string set: what
   * a later digest checks so it never lists a story again.
   */
  digestedArticles: (subscriberId: string, month: string) => ({
    pk: `SUB#${subscriberId}`,
    sk: `DIGESTED#${month}`,
  }),
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
   * Which snapshot of the active topics is current, and its parts, each in a partition of its own: a cold
   * matcher reads them all at once, more than one partition serves per second.
   */
  topicSnapshotHead: () => ({ pk: 'TOPICSNAP', sk: 'CURRENT' }),
  topicSnapshotPart: (snapshotId: string, part: number) => ({
    pk: `TOPICSNAP#${snapshotId}#${part}`,
    sk: 'PART',
  }),
  /**
   * In-flight deliveries by shard and the time the sweeper should look at them (ISO, so they sort by time);
   * the subscriber and key follow only to keep two due at the same millisecond apart in the sort order.
   */
  sweepShard: (shard: number) => `SWEEP#${shard}`,
  sweepIndex: (subscriberId: string, deliveryKey: string, dueAt: string) => ({
    gsi1pk: `SWEEP#${shardOf(subscriberId, SWEEP_SHARDS)}`,
    gsi1sk: `${dueAt}#${subscriberId}#${deliveryKey}`,
  }),
  /** The send-rate cap's counter for one second (Unix seconds), shared by every sender. */
  sendWindow: (second: number) => ({ pk: `SENDRATE#${second}`, sk: 'WINDOW' }),
  /** Set when SES reports the daily quota used up: no one sends until its `until`. */
  sendPause: () => ({ pk: 'SENDPAUSE', sk: 'PAUSE' }),
  /**
   * The reputation guard's digest pause: whether digests are paused, by whom, why and since when, the alarm
   * notifications it has acted on, and how the last pause ended.
   */
  digestGuard: () => ({ pk: 'DIGESTPAUSE', sk: 'GUARD' }),
  /** A registered feed, in the one partition of them all (see `itemFamilies.feed`). */
  feed: (feedId: string) => ({ pk: 'FEEDS', sk: `FEED#${feedId}` }),
  feedPartition: 'FEEDS',
  feedPrefix: 'FEED#',
  /**
   * An active feed on the poll index, sorted by when it was last polled (ISO); `0` (before any date) for one
   * never polled or just resumed, so it is polled first.
   */
  feedPollShard: (shard: number) => `FEEDPOLL#${shard}`,
  feedPoll: (feedId: string, lastPolledAt: string | undefined) => ({
    gsi1pk: `FEEDPOLL#${shardOf(feedId, FEED_POLL_SHARDS)}`,
    gsi1sk: `${lastPolledAt ?? '0'}#${feedId}`,
  }),
} as const;

export const GSI1 = 'gsi1';
export const TOPICS_INDEX = 'topics';

export type TopicIndexState = 'TOPICS' | 'RETIRED';
