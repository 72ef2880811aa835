/**
 * The single table's shape: read by the CDK stack and by the local runner when it creates the table in
 * DynamoDB Local. Item keys live in `adapters/dynamo/keys.ts`; the families below name which partitions
 * those keys fall in, so the manifest can say what each function may touch.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** One overloaded GSI: articles by day, active topics by shard, digest subscribers by
   * shard and next due instant. */
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
  /** Fan-out chunks: an article's recipients, 500 to an item, queued by match for the fan-out function. */
  fanout: ['FANOUT#*'],
  /** Rate-limit counters, one short-lived item per client and window. */
  rate: ['RATE#*'],
  /** The suppression list and the transient bounces counted towards it, by salted address hash. */
  suppression: ['SUPPRESS#*'],
} as const satisfies Record<string, readonly string[]>;

/** Partitions of the GSI by their `gsi1pk` values. */
export const indexFamilies = {
  articlesByDay: ['DAY#*'],
  topics: ['TOPICS#*', 'RETIRED#*'],
  /**
   * Digest subscribers by shard, sorted by when their next digest is due (`DIGESTS#*`: the old form, by id,
   * which the digest run refiles).
   */
  digestSubscribers: ['DUE#*', 'DIGESTS#*'],
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
