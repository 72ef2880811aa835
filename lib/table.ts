/**
 * The single table's shape: read by the CDK stack and by the local runner when it creates the table in
 * DynamoDB Local. Item keys live in `adapters/dynamo/keys.ts`; the families below name which partitions
 * those keys fall in, so the manifest can say what each function may touch.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    /**
     * Overloaded: articles by day, digest subscribers by shard and next due instant, in-flight deliveries
     * by shard and when the sweeper should look at them, and active feeds by shard and when last polled. Projects every attribute: the digest walk
     * reads whole profiles (time zone, digest hour, pause) and the article listing several fields of a story.
     */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'all' },
    /**
     * Topics by shard and state, sorted by when they changed: what a cold matcher reads in full, and a warm
     * one from its cursor. Its own index so it can project only what matching needs: the query and the
     * frequency (the subscriber and topic ids are in the table's key, always projected). A cold load reads
     * every active topic, so each byte of an index item is paid a million times; with all attributes it was
     * 2.6 times the size (434 bytes against 167 in `npm run bench -- cold-load`: status, request id, dates,
     * entity, and the ids twice over).
     */
    { name: 'topics', partitionKey: 'tpk', sortKey: 'tsk', projection: ['query', 'frequency'] },
  ],
} as const;

export type IndexName = (typeof tableSchema.indexes)[number]['name'];

/**
 * Item families by the partition key values they use, as IAM `StringLike` patterns (`*` at the end only).
 * IAM can restrict item actions to partition keys (`dynamodb:LeadingKeys`) but not to sort keys, so a
 * family is a set of partitions: a subscriber's profile, topics and deliveries share `SUB#<id>`.
 */
export const itemFamilies = {
  article: ['ARTICLE#*'],
  /** Story clusters: the near-duplicate band entries of each story's signature, and each story's outlets. */
  story: ['NEARDUP#*', 'STORY#*'],
  email: ['EMAIL#*'],
  subscriber: ['SUB#*'],
  /** Fan-out chunks: an article's recipients, 500 to an item, queued by match for the fan-out function. */
  fanout: ['FANOUT#*'],
  /** Rate-limit counters, one short-lived item per client and window. */
  rate: ['RATE#*'],
  /**
   * The send function's shared controls: one token counter per second of the global send-rate cap, and the
   * pause every sender honours once SES reports the daily quota used up. Apart from `rate` so the send
   * function is granted these and not the subscribe limiter's counters.
   */
  sendControl: ['SENDRATE#*', 'SENDPAUSE'],
  /**
   * The reputation guard's digest pause: one item, written by the reputation function and the operator's
   * commands, read by digest runs and senders. Apart from `sendControl` so that only the guard and the
   * operator can pause or resume digests, and the senders only read it.
   */
  digestPause: ['DIGESTPAUSE'],
  /** The suppression list and the transient bounces counted towards it, by salted address hash. */
  suppression: ['SUPPRESS#*'],
  /** The match function's snapshot of every active topic: its head and its compressed parts. */
  topicSnapshot: ['TOPICSNAP*'],
  /**
   * Registered feeds, all in one partition: a few thousand small records, listed together (`GET /feeds`,
   * strongly consistent), each written once a poll (every 15 minutes), far below what one partition takes.
   */
  feed: ['FEEDS'],
} as const satisfies Record<string, readonly string[]>;

/** Partitions of the indexes by their partition key values (`gsi1pk`, `tpk`). */
export const indexFamilies = {
  articlesByDay: ['DAY#*'],
  topics: ['TOPICS#*', 'RETIRED#*'],
  /**
   * Digest subscribers by shard, sorted by when their next digest is due (`DIGESTS#*`: the old form, by id,
   * which the digest run refiles).
   */
  digestSubscribers: ['DUE#*', 'DIGESTS#*'],
  /**
   * Deliveries the sweeper must look at again, by shard and due time: a claim (due when it goes stale) and a
   * delivery put back for a later retry (due at its retry time). Sparse: the keys are removed once the
   * delivery is sent, skipped or failed, so the index holds only what is in flight.
   */
  sweep: ['SWEEP#*'],
  /**
   * Active feeds by shard, sorted by when they were last polled (never-polled ones first): what the poll run
   * reads, oldest first, so feeds it had no time for come first in the next run. A paused feed's keys are
   * removed, so it leaves the index until it is resumed.
   */
  activeFeeds: ['FEEDPOLL#*'],
} as const satisfies Record<string, readonly string[]>;

/** The index each family lives in: a function is granted, and may query, only the indexes of its families. */
export const indexOfFamily = {
  articlesByDay: 'gsi1',
  topics: 'topics',
  digestSubscribers: 'gsi1',
  sweep: 'gsi1',
  activeFeeds: 'gsi1',
} as const satisfies Record<keyof typeof indexFamilies, IndexName>;

export type ItemFamily = keyof typeof itemFamilies;
export type IndexFamily = keyof typeof indexFamilies;

/** Whether `value` is one of the key values `patterns` allow. */
export function keyMatches(value: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern,
  );
}

/** The families whose patterns `value` matches (one, for every key Tidings builds). */
export function familiesOf<F extends string>(
  families: Readonly<Record<F, readonly string[]>>,
  value: string,
): F[] {
  return (Object.keys(families) as F[]).filter((family) => keyMatches(value, families[family]));
}
