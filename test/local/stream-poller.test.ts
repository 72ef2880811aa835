import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withLambdaTimeout } from '../../lib/local/lambda-timeout';
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

  it('fails an invocation that runs past the function timeout, as Lambda does, and dead-letters it after the retries', async () => {
    const deadLetters: string[] = [];
    let calls = 0;
    const slow = withLambdaTimeout(async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { batchItemFailures: [] };
    }, 0.1);
    const poller = startStreamPoller({
      name: 'slow',
      client: streams,
      streamArn,
      trigger: { kind: 'stream', eventNames: ['INSERT'], entities: ['slow'], batchSize: 10 },
      retryAttempts: 1,
      pollMs: 20,
      onDeadLetter: async (_name, _record, reason) => {
        deadLetters.push(reason);
      },
      handler: slow,
    });
    await poller.start();
    await put('too-slow', 'slow');
    await eventually(async () => (deadLetters.length > 0 ? true : undefined));
    await poller.stop();
    expect(calls).toBe(2);
    expect(deadLetters).toEqual(['Task timed out after 0.10 seconds']);
  });

  it('handles batches of different partition keys side by side when the trigger allows, each key in order', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const seen: string[] = [];
    const poller = startStreamPoller({
      name: 'lanes',
      client: streams,
      streamArn,
      trigger: {
        kind: 'stream',
        eventNames: ['INSERT', 'MODIFY'],
        entities: ['chunk'],
        batchSize: 1,
        parallelization: 4,
      },
      retryAttempts: 0,
      pollMs: 20,
      onDeadLetter: async () => {},
      handler: async (event: DynamoDBStreamEvent) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 50));
        for (const record of event.Records) {
          const image = record.dynamodb?.NewImage;
          seen.push(`${image?.pk?.S}:${image?.version?.N}`);
        }
        running--;
        return { batchItemFailures: [] };
      },
    });
    // Written before the poller starts, so one read of the stream returns them all.
    for (let version = 1; version <= 3; version++) {
      for (let key = 0; key < 8; key++) {
        await table.db.send(
          new PutCommand({
            TableName: table.tableName,
            Item: { pk: `chunk-${key}`, sk: 'X', entity: 'chunk', version },
          }),
        );
      }
    }
    await poller.start();
    await eventually(async () => (seen.length === 24 ? true : undefined));
    await poller.stop();
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(4);
    for (let key = 0; key < 8; key++) {
      expect(seen.filter((s) => s.startsWith(`chunk-${key}:`))).toEqual([
        `chunk-${key}:1`,
        `chunk-${key}:2`,
        `chunk-${key}:3`,
      ]);
    }
  });
});
