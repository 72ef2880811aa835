import type { SNSEvent } from 'aws-lambda';
import { MalformedMessageError } from '../errors';
import { logger } from '../log';

/**
 * Runs `handle` on each SNS record's message. A malformed message is logged and skipped (retrying it would
 * fail again). Any other failure does not stop the records after it; once all were tried it is rethrown, so
 * Lambda retries the event (asynchronous invocations are retried, then kept in the failure queue), and the
 * records already handled are harmless to see again because handling is idempotent.
 */
export async function forEachSnsMessage(
  event: SNSEvent,
  handle: (message: string, snsMessageId: string) => Promise<void>,
): Promise<void> {
  const records = Array.isArray(event?.Records) ? event.Records : [];
  const failures: unknown[] = [];
  for (const record of records) {
    const snsMessageId = typeof record?.Sns?.MessageId === 'string' ? record.Sns.MessageId : '(none)';
    try {
      if (typeof record?.Sns?.Message !== 'string') {
        throw new MalformedMessageError('The SNS record carries no message.');
      }
      await handle(record.Sns.Message, snsMessageId);
    } catch (error) {
      if (error instanceof MalformedMessageError) {
        logger.warn('Skipping a malformed notification', { snsMessageId, reason: error.message });
        continue;
      }
      logger.error('Notification failed; the event will be retried', { error: error as Error, snsMessageId });
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(failures, `${failures.length} of ${records.length} notifications failed.`);
  }
}
