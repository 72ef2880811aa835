import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetterSource } from '../../cli/dlq-command';
import type { DeadLetter } from '../../dead-letters/dead-letter';
import { type QueueMessage, readQueueMessage } from '../../dead-letters/queue-dead-letters';

/** Long enough to replay a queue's worth; a message not settled by then shows again, which is harmless. */
const HIDE_SECONDS = 300;

/**
 * The stack's failure queues (`FailureQueueUrls`) as a dead-letter source. Reading receives every message,
 * hiding each from other readers meanwhile; a message is deleted only once its work was re-queued or
 * found done, and every other one is made visible again when the command ends, so a list (or a replay that
 * left something) takes nothing away.
 */
export function sqsDeadLetterSource(
  sqs: Pick<SQSClient, 'send'>,
  queueUrls: readonly string[],
): DeadLetterSource {
  const held = new Map<string, { queueUrl: string; receiptHandle: string }>();
  return {
    name: queueUrls.length === 1 ? (queueUrls[0] as string) : `${queueUrls.length} failure queues`,
    async letters() {
      const letters: DeadLetter[] = [];
      for (const queueUrl of queueUrls) {
        for (;;) {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: 10,
              VisibilityTimeout: HIDE_SECONDS,
              // Long polling asks every SQS server, so an empty answer means the queue is empty.
              WaitTimeSeconds: 1,
              MessageSystemAttributeNames: ['SentTimestamp'],
              MessageAttributeNames: ['All'],
            }),
          );
          if (Messages.length === 0) break;
          for (const message of Messages) {
            if (!message.MessageId || !message.ReceiptHandle || held.has(message.MessageId)) continue;
            held.set(message.MessageId, { queueUrl, receiptHandle: message.ReceiptHandle });
            const sent = Number(message.Attributes?.SentTimestamp);
            const read: QueueMessage = {
              queueUrl,
              messageId: message.MessageId,
              body: message.Body ?? '',
              sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : undefined,
              attributes: Object.fromEntries(
                Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
                  name,
                  value.StringValue ?? '',
                ]),
              ),
            };
            letters.push(readQueueMessage(read));
          }
        }
      }
      return letters.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
    },
    async settle(letter) {
      const message = held.get(letter.id);
      if (!message) return;
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: message.queueUrl, ReceiptHandle: message.receiptHandle }),
      );
      held.delete(letter.id);
    },
    async close() {
      for (const [id, message] of held) {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: message.queueUrl,
            ReceiptHandle: message.receiptHandle,
            VisibilityTimeout: 0,
          }),
        );
        held.delete(id);
      }
    },
  };
}
