import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import type { TableClient } from '../../lib/adapters/dynamo/table-guard';
import { makeDynamoTopicIndexReader } from '../../lib/adapters/dynamo/topic-index-reader';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local';
import { ensureTable } from '../../lib/local/table-setup';
import type { SubscriberStore } from '../../lib/ports';
import type { Frequency } from '../../lib/subscriptions/model';
import { projectRoot } from './local-stack';

/** DynamoDB Local in memory with the Tidings table, for adapter and use-case tests. */
export async function startTestTable(tableName = 'tidings-test') {
  const server = await startDynamoDbLocal({ projectRoot });
  const clientConfig = {
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const raw = new DynamoDBClient(clientConfig);
  await ensureTable(raw, tableName);
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    tableName,
    /** For other clients of the same emulator (the streams API). */
    clientConfig,
    /** Every item of one partition: what a test checks a write left behind. */
    async partition(pk: string): Promise<Record<string, unknown>[]> {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      );
      return Items;
    },
    async stop() {
      db.destroy();
      await server.stop();
    },
  };
}

/** The consent context of changes a test makes directly on a store: as if through the JSON API. */
export const viaApi = { source: 'api' } as const;

/** The subscriber store and the topics index reader on one table: what tests of topic changes read back. */
export function subscriberStoreAndIndex(db: TableClient, tableName: string) {
  return { ...makeDynamoSubscriberStore(db, tableName), ...makeDynamoTopicIndexReader(db, tableName) };
}

/** A subscriber with one topic (id `t`, request `r`) waiting for confirmation, as subscribing leaves it. */
export async function subscribePending(
  store: Pick<SubscriberStore, 'create' | 'addTopics'>,
  id: string,
  query: string,
  at: Date,
  frequency: Frequency = 'instant',
) {
  await store.create({
    id,
    email: `${id}@example.com`,
    status: 'pending',
    timezone: 'UTC',
    digestHour: 7,
    createdAt: at.toISOString(),
  });
  await store.addTopics([
    {
      subscriberId: id,
      id: 't',
      query,
      frequency,
      status: 'pending',
      requestId: 'r',
      createdAt: at.toISOString(),
    },
  ]);
}

/** A subscriber with one confirmed instant topic (topic id `t`), as subscribe then confirm leave it. */
export async function subscribeConfirmed(store: SubscriberStore, id: string, query: string, at: Date) {
  await subscribePending(store, id, query, at);
  await store.confirm(id, 'r', at, viaApi);
}
