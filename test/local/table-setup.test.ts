import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import { ensureTable } from '../../lib/local/table-setup';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
let client: DynamoDBClient;
beforeAll(async () => {
  table = await startTestTable('tidings-setup');
  client = new DynamoDBClient(table.clientConfig);
});
afterAll(async () => {
  client?.destroy();
  await table?.stop();
});

describe('the local table', () => {
  it('has the topics index project only what matching reads, and gsi1 everything', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
    const projection = (name: string) =>
      Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === name)?.Projection;
    expect(projection('gsi1')).toEqual({ ProjectionType: 'ALL' });
    expect(projection('topics')).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['query', 'frequency'],
    });
    // Finding it again changes nothing.
    await expect(ensureTable(client, table.tableName)).resolves.toBe(Table?.LatestStreamArn);
  });

  it('refuses a table kept from before the topics index, saying how to start afresh', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'tidings-before-topics-index',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const setUp = ensureTable(client, 'tidings-before-topics-index');
    await expect(setUp).rejects.toThrow(ConfigError);
    await expect(setUp).rejects.toThrow(
      /predates its topics index; start afresh with `npm start -- --fresh`/,
    );
  });
});
