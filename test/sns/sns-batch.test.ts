import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MalformedMessageError } from '../../lib/errors';
import { forEachSnsMessage } from '../../lib/sns/sns-batch';

const record = (messageId: string, message: unknown): SNSEventRecord =>
  ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:feedback:sub',
    Sns: { MessageId: messageId, Message: message, Type: 'Notification' },
  }) as SNSEventRecord;

describe('handling the messages of an SNS event', () => {
  it('skips malformed messages and records without a message, and handles the rest', async () => {
    const handled: string[] = [];
    const event: SNSEvent = {
      Records: [record('1', 'good'), record('2', 'bad'), record('3', undefined), record('4', 'good too')],
    };
    await forEachSnsMessage(event, async (message, id) => {
      if (message === 'bad') throw new MalformedMessageError('not feedback');
      handled.push(`${id}:${message}`);
    });
    expect(handled).toEqual(['1:good', '4:good too']);
  });

  it('lets no failing message stop the ones after it, then fails the event so it is retried', async () => {
    const handled: string[] = [];
    const event: SNSEvent = { Records: [record('1', 'a'), record('2', 'b'), record('3', 'c')] };
    const run = forEachSnsMessage(event, async (message) => {
      if (message === 'a') throw new Error('throttled');
      handled.push(message);
    });
    await expect(run).rejects.toThrow('1 of 3 notifications failed.');
    expect(handled).toEqual(['b', 'c']);
  });

  it('does nothing for an event without records', async () => {
    let calls = 0;
    const count = async () => {
      calls++;
    };
    await forEachSnsMessage({ Records: [] }, count);
    await forEachSnsMessage({} as SNSEvent, count);
    expect(calls).toBe(0);
  });
});
