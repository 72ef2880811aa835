/**
 * The single table's shape: read by the CDK stack and by the local runner when it creates the table in
 * DynamoDB Local. Item keys live in `adapters/dynamo/keys.ts`.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** One overloaded GSI: articles by day, active topics by shard, digest subscribers by shard. */
  indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;
