import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local';
import { REPO_ROOT } from './corpus';

/** DynamoDB Local in memory for one bench, with a raw and a document client; `stop` ends all three. */
export async function startBenchDynamo() {
  const server = await startDynamoDbLocal({ projectRoot: REPO_ROOT });
  const raw = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint: server.endpoint,
    raw,
    db,
    async stop() {
      db.destroy();
      await server.stop();
    },
  };
}

/** How many items of `tableName` have every attribute of `equal` (string values), by a counting scan. */
export async function countItems(
  client: DynamoDBClient,
  tableName: string,
  equal: Readonly<Record<string, string>>,
): Promise<number> {
  const names = Object.keys(equal);
  let count = 0;
  let ExclusiveStartKey: ScanCommand['input']['ExclusiveStartKey'];
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Select: 'COUNT',
        FilterExpression: names.map((_, i) => `#a${i} = :v${i}`).join(' AND '),
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(
          names.map((name, i) => [`:v${i}`, { S: equal[name] as string }]),
        ),
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}
