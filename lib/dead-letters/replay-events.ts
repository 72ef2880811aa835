import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * The events a replay hands a function, the same whether it runs in this process or is invoked on AWS, so
 * a replayed function sees what its trigger would have given it.
 */

/** The item as it is now, as one stream INSERT (the fan-out function's filter takes INSERTs only). */
export function streamInsertEvent(item: Record<string, unknown>): DynamoDBStreamEvent {
  const image = marshall(item, { removeUndefinedValues: true });
  return {
    Records: [
      {
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: { Keys: { pk: image.pk, sk: image.sk }, NewImage: image, SequenceNumber: 'replay' },
      },
    ],
  } as unknown as DynamoDBStreamEvent;
}

/** What a scheduled run receives; `source` says it was a replay, for the function's log. */
export const replayedScheduleEvent = { source: 'tidings.dlq', 'detail-type': 'Scheduled Event' } as const;

/** A stream function that reported the replayed record as failed has not done its work. */
export function failedAgain(fn: string, result: unknown): Error | undefined {
  const failures = (result as DynamoDBBatchResponse | undefined)?.batchItemFailures?.length ?? 0;
  return failures > 0 ? new Error(`${fn} failed on the item again.`) : undefined;
}
