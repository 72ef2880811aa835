import { describe, expect, it } from 'vitest';
import { type QueueMessage, readQueueMessage } from '../../lib/dead-letters/queue-dead-letters';

const QUEUE =
  'https://sqs.eu-west-1.amazonaws.com/123456789012/TidingsStack-AlertsSendStreamFailuresA1B2C3-xyz';
const message = (body: unknown, extra: Partial<QueueMessage> = {}): QueueMessage => ({
  queueUrl: QUEUE,
  messageId: 'msg-1',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  sentAt: '2026-12-03T09:00:00.000Z',
  attributes: {},
  ...extra,
});

const batchInfo = {
  shardId: 'shardId-00000001',
  startSequenceNumber: '100',
  endSequenceNumber: '104',
  approximateArrivalOfFirstRecord: '2026-12-03T08:59:00Z',
  approximateArrivalOfLastRecord: '2026-12-03T08:59:01Z',
  batchSize: 5,
  streamArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026',
};
const snsEvent = {
  Records: [
    { EventSource: 'aws:sns', Sns: { MessageId: 'sns-7', Message: '{"notificationType":"Bounce"}' } },
  ],
};

describe('reading a failure-queue message', () => {
  it("reads a stream mapping's on-failure record into its stream pointer and the function", () => {
    const letter = readQueueMessage(
      message({
        requestContext: {
          requestId: 'r',
          functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:TidingsStack-AlertsSendFunction9F-abc',
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 6,
        },
        responseContext: { statusCode: 200, functionError: 'Unhandled' },
        version: '1.0',
        timestamp: '2026-12-03T09:00:05.000Z',
        DDBStreamBatchInfo: batchInfo,
      }),
    );
    expect(letter).toEqual({
      id: 'msg-1',
      at: '2026-12-03T09:00:05.000Z',
      function: 'send',
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:TidingsStack-AlertsSendFunction9F-abc',
      reason: 'RetryAttemptsExhausted',
      concerns: [
        {
          kind: 'stream-batch',
          function: 'send',
          pointer: {
            streamArn: batchInfo.streamArn,
            shardId: 'shardId-00000001',
            startSequenceNumber: '100',
            endSequenceNumber: '104',
            batchSize: 5,
            firstArrival: '2026-12-03T08:59:00Z',
            lastArrival: '2026-12-03T08:59:01Z',
          },
        },
      ],
    });
  });

  it('keeps the SNS event of an asynchronous failure, or of an SNS envelope, whole; feedback is not feeds', () => {
    const invoked = readQueueMessage(
      message({
        requestContext: { functionArn: 'arn:aws:lambda:r:1:function:TidingsStack-AlertsFeedbackFunction-x' },
        requestPayload: snsEvent,
        responsePayload: { errorType: 'Error', errorMessage: 'table unavailable' },
        timestamp: '2026-12-03T09:01:00.000Z',
      }),
    );
    expect(invoked).toMatchObject({
      function: 'feedback',
      reason: 'table unavailable',
      concerns: [{ kind: 'feedback', messageId: 'sns-7', event: snsEvent }],
    });
    const envelope = { Type: 'Notification', MessageId: 'sns-8', Message: '{}' };
    const parked = readQueueMessage(
      message(envelope, {
        queueUrl: 'https://sqs.r.amazonaws.com/1/TidingsStack-AlertsFeedbackNotificationFailures-q',
        attributes: { ErrorMessage: 'Lambda was throttled' },
      }),
    );
    expect(parked).toMatchObject({
      at: '2026-12-03T09:00:00.000Z',
      function: 'feedback',
      reason: 'Lambda was throttled',
      concerns: [{ kind: 'feedback', messageId: 'sns-8', event: { Records: [{ Sns: envelope }] } }],
    });
  });

  it('reads a failed scheduled run, whether the function threw or Scheduler could not invoke it', () => {
    const threw = readQueueMessage(
      message({
        requestContext: { functionArn: 'arn:aws:lambda:r:1:function:TidingsStack-AlertsSweepFunction-x' },
        requestPayload: { source: 'aws.scheduler', 'detail-type': 'Scheduled Event' },
        responsePayload: { errorMessage: 'Task timed out after 60.00 seconds' },
      }),
    );
    expect(threw).toMatchObject({
      function: 'sweep',
      functionArn: 'arn:aws:lambda:r:1:function:TidingsStack-AlertsSweepFunction-x',
      reason: 'Task timed out after 60.00 seconds',
      concerns: [{ kind: 'schedule', function: 'sweep' }],
    });
    const notInvoked = readQueueMessage(
      message('{}', {
        queueUrl: 'https://sqs.r.amazonaws.com/1/TidingsStack-AlertsDigestScheduleFailures-q',
        attributes: {
          SCHEDULE_ARN: 'arn:aws:scheduler:r:1:schedule/default/x',
          TARGET_ARN: 'arn:aws:lambda:r:1:function:TidingsStack-AlertsDigestFunction-y',
          ERROR_MESSAGE: 'AccessDenied',
        },
      }),
    );
    // The replay invokes the target Scheduler names, of this very stack.
    expect(notInvoked).toMatchObject({
      function: 'digest',
      functionArn: 'arn:aws:lambda:r:1:function:TidingsStack-AlertsDigestFunction-y',
      reason: 'AccessDenied',
      concerns: [{ kind: 'schedule', function: 'digest' }],
    });
  });

  it('lists a message it cannot place as unknown, never dropping it', () => {
    expect(readQueueMessage(message('not json')).concerns).toEqual([
      { kind: 'unknown', detail: 'a failure-queue message of no known shape' },
    ]);
  });
});
