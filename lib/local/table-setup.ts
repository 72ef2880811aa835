import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../errors';
import { tableSchema } from '../table';

/** Creates the table in DynamoDB Local with the shape the stack gives it on AWS; returns its stream ARN. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<string> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // A table kept from before an index was added (`npm start` keeps its data) would fail its first
    // query on the index with a puzzling message; its items lack the index's keys anyway.
    const missing = tableSchema.indexes.filter(
      (index) => !Table?.GlobalSecondaryIndexes?.some((found) => found.IndexName === index.name),
    );
    if (missing.length > 0) {
      throw new ConfigError(
        `The local table ${tableName} predates its ${missing.map((i) => i.name).join(', ')} index; start afresh with \`npm start -- --fresh\`.`,
      );
    }
    if (Table?.LatestStreamArn) return Table.LatestStreamArn;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const attributes = new Set<string>([tableSchema.partitionKey, tableSchema.sortKey]);
  for (const index of tableSchema.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  const { TableDescription } = await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: tableSchema.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          index.projection === 'all'
            ? { ProjectionType: 'ALL' }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: tableSchema.ttlAttribute },
    }),
  );
  const arn = TableDescription?.LatestStreamArn;
  if (!arn) throw new Error(`DynamoDB Local created ${tableName} without a stream.`);
  return arn;
}
