/**
 * The single table's shape: read by the CDK stack and by the local runner when it creates the table in
 * DynamoDB Local. Item keys live in `adapters/dynamo/keys.ts`; the families below name which partitions
 * those keys fall in, so the manifest can say what each function may touch.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** One overloaded GSI: articles by day, active topics, digest subscribers and in-flight deliveries by shard. */
  indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;

/**
 * Item families by the partition key values they use, as IAM `StringLike` patterns (`*` at the end only).
 * IAM can restrict item actions to partition keys (`dynamodb:LeadingKeys`) but not to sort keys, so a
 * family is a set of partitions: a subscriber's profile, topics and deliveries share `SUB#<id>`.
 */
export const itemFamilies = {
  article: ['ARTICLE#*'],
  email: ['EMAIL#*'],
  subscriber: ['SUB#*'],
  meta: ['META'],
  /** Rate-limit counters, one short-lived item per client and window. */
  rate: ['RATE#*'],
  /**
   * The send function's shared controls: one token counter per second of the global send-rate cap, and the
   * pause every sender honours once SES reports the daily quota used up. Apart from `rate` so the send
   * function is granted these and not the subscribe limiter's counters.
   */
  sendControl: ['SENDRATE#*', 'SENDPAUSE'],
  /** The suppression list and the transient bounces counted towards it, by salted address hash. */
  suppression: ['SUPPRESS#*'],
} as const satisfies Record<string, readonly string[]>;

/** Partitions of the GSI by their `gsi1pk` values. */
export const indexFamilies = {
  articlesByDay: ['DAY#*'],
  topics: ['TOPICS#*', 'RETIRED#*'],
  digestSubscribers: ['DIGESTS#*'],
  /**
   * Deliveries the sweeper must look at again, by shard and due time: a claim (due when it goes stale) and a
   * delivery put back for a later retry (due at its retry time). Sparse: the keys are removed once the
   * delivery is sent, skipped or failed, so the index holds only what is in flight.
   */
  sweep: ['SWEEP#*'],
} as const satisfies Record<string, readonly string[]>;

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
