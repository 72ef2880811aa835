import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../log';

/**
 * Runs `handle` on the batch's new images, up to `concurrency` at a time, and reports the earliest record
 * that failed. Lambda (with ReportBatchItemFailures) retries from the lowest reported sequence number, so
 * records after it that succeeded are seen again: `handle` must make a second pass harmless (the send
 * function's claim does).
 */
export async function forEachNewImageConcurrently(
  event: DynamoDBStreamEvent,
  handle: (image: Record<string, unknown>) => Promise<void>,
  concurrency: number,
): Promise<DynamoDBBatchResponse> {
  const records = event.Records;
  const failed: number[] = [];
  let next = 0;
  const worker = async () => {
    // No record is started after one failed: Lambda hands the batch back from the earliest failure anyway.
    for (let index = next++; index < records.length && failed.length === 0; index = next++) {
      const image = records[index]?.dynamodb?.NewImage;
      if (!image) continue;
      try {
        await handle(unmarshall(image as Record<string, AttributeValue>));
      } catch (error) {
        logger.error('Stream record failed; it will be retried', {
          error: error as Error,
          sequenceNumber: records[index]?.dynamodb?.SequenceNumber,
        });
        failed.push(index);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, records.length)) }, worker));
  if (failed.length === 0) return { batchItemFailures: [] };
  const earliest = records[Math.min(...failed)];
  return { batchItemFailures: [{ itemIdentifier: earliest?.dynamodb?.SequenceNumber ?? '' }] };
}

/**
 * Runs `handle` on each record's new image in order. At the first failure it stops and reports that
 * record: Lambda retries the batch from there (stream order is kept), and the ledger's conditional writes
 * make the records already handled harmless to see again.
 */
export function forEachNewImage(
  event: DynamoDBStreamEvent,
  handle: (image: Record<string, unknown>) => Promise<void>,
): Promise<DynamoDBBatchResponse> {
  return forEachNewImageConcurrently(event, handle, 1);
}
