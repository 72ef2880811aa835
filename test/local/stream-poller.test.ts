import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamPoller } from '../../lib/local/stream-poller';
import { ensureTable } from '../../lib/local/table-setup';
import { startTestTable } from '../support/dynamo';
import { eventually } from '../support/local-stack';

let table: Awaited<ReturnType<typeof startTestTable>>;
let streams: DynamoDBStreamsClient;
let streamArn: string;

beforeAll(async () => {
  table = await startTestTable('tidings-poller');
  streams = new DynamoDBStreamsClient(table.clientConfig);
  streamArn = await ensureTable(new DynamoDBClient(table.clientConfig), table.tableName);
});

afterAll(async () => {
  streams?.destroy();
  await table?.stop();
});

const put = (pk: string, entity: string) =>
  table.db.send(
    new PutCommand({ TableName: table.tableName, Item: { pk, sk: 'X', entity, status: 'queued' } }),
  );

describe('the local stream poller, as Lambda reads a DynamoDB stream', () => {
  it('delivers only filtered records, retries a failing one, dead-letters it after the last retry, and goes on', async () => {
    const seen: string[] = [];
    const deadLetters: { record: DynamoDBRecord; reason: string }[] = [];
    const attempts = new Map<string, number>();
    const poller = startStreamPoller({
      name: 'test',
      client: streams,
      streamArn,
      trigger: {
        kind: 'stream',
        eventNames: ['INSERT'],
        entities: ['delivery'],
        statuses: ['queued'],
        batchSize: 10,
      },
      retryAttempts: 2,
      pollMs: 20,
      onDeadLetter: async (_name, record, reason) => {
        deadLetters.push({ record, reason });
      },
      handler: async (event: DynamoDBStreamEvent) => {
        for (const record of event.Records) {
          const pk = record.dynamodb?.NewImage?.pk?.S ?? '';
          attempts.set(pk, (attempts.get(pk) ?? 0) + 1);
          if (pk === 'poison')
            return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
          seen.push(pk);
        }
        return { batchItemFailures: [] };
      },
    });
    await poller.start();
    await put('first', 'delivery');
    await put('ignored', 'article');
    await put('poison', 'delivery');
    await put('after', 'delivery');
    await eventually(async () => (seen.includes('after') ? true : undefined));
    await poller.stop();

    expect(seen).toEqual(['first', 'after']);
    expect(attempts.get('poison')).toBe(3);
    expect(attempts.get('first')).toBe(1);
    expect(attempts.has('ignored')).toBe(false);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.record.dynamodb?.NewImage?.pk?.S).toBe('poison');
    expect(deadLetters[0]?.reason).toMatch(/failed/);
  });
});
