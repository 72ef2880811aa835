import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { type FunctionName, functions, type StreamTrigger, type Trigger } from '../../../lib/manifest';
import { matchesPattern, streamFilterPattern } from '../../../lib/stream/filter-pattern';
import type { TestStack } from '../local-stack';

/** Every record the table's stream holds, oldest first, in the shape Lambda hands a function. */
export async function streamRecords(dynamodbUrl: string, tableName: string): Promise<DynamoDBRecord[]> {
  const client = new DynamoDBStreamsClient({
    endpoint: dynamodbUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Streams = [] } = await client.send(new ListStreamsCommand({ TableName: tableName }));
    const records: DynamoDBRecord[] = [];
    for (const { StreamArn } of Streams) {
      const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn }));
      for (const { ShardId } of StreamDescription?.Shards ?? []) {
        let { ShardIterator } = await client.send(
          new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        while (ShardIterator) {
          const page = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }));
          // An open shard hands back an iterator forever; an empty page means we are at its end.
          if (!page.Records?.length) break;
          for (const record of page.Records) {
            records.push({
              eventID: record.eventID,
              eventName: record.eventName as DynamoDBRecord['eventName'],
              eventSource: 'aws:dynamodb',
              eventSourceARN: StreamArn,
              dynamodb: {
                Keys: record.dynamodb?.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
                NewImage: record.dynamodb?.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
                OldImage: record.dynamodb?.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'],
                SequenceNumber: record.dynamodb?.SequenceNumber,
              },
            });
          }
          ShardIterator = page.NextShardIterator;
        }
      }
    }
    return records;
  } finally {
    client.destroy();
  }
}

const streamFunctions = Object.entries(functions).flatMap(([name, fn]) =>
  (fn.triggers as readonly Trigger[])
    .filter((trigger): trigger is StreamTrigger => trigger.kind === 'stream')
    .map((trigger) => ({ name: name as FunctionName, trigger })),
);

/**
 * Hands `records` again to every stream function whose trigger's filter takes them, as Lambda does when it
 * retries or redelivers: newest first (out of order), in the trigger's batch size, and every batch twice at
 * once (the same batch redelivered while the first delivery of it is still running). Returns how many
 * records each function was given.
 */
export async function redeliver(stack: TestStack, records: readonly DynamoDBRecord[]) {
  const given: Partial<Record<FunctionName, number>> = {};
  for (const { name, trigger } of streamFunctions) {
    const pattern = streamFilterPattern(trigger);
    const taken = records.filter((record) => matchesPattern(pattern, record)).reverse();
    given[name] = taken.length;
    for (let start = 0; start < taken.length; start += trigger.batchSize) {
      const event = { Records: taken.slice(start, start + trigger.batchSize) };
      await Promise.all([stack.invoke(name, event), stack.invoke(name, event)]);
    }
  }
  return given;
}
