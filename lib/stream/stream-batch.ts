import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../log';

/**
 * Runs `handle` on each record's new image in order. At the first failure it stops and reports that
 * record: Lambda retries the batch from there (stream order is kept), and the ledger's conditional writes
 * make the records already handled harmless to see again.
 */
export async function forEachNewImage(
  event: DynamoDBStreamEvent,
  handle: (image: Record<string, unknown>) => Promise<void>,
): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (!image) continue;
    try {
      await handle(unmarshall(image as Record<string, AttributeValue>));
    } catch (error) {
      logger.error('Stream record failed; it will be retried', {
        error: error as Error,
        sequenceNumber: record.dynamodb?.SequenceNumber,
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}
