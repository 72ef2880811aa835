import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { makeStreamRecords } from '../../lib/adapters/dynamo/stream-records';
import { lambdaFunctionRunner } from '../../lib/adapters/lambda/lambda-function-runner';
import { sqsDeadLetterSource } from '../../lib/adapters/sqs/failure-queues';
import { runDlqList, runDlqReplay } from '../../lib/cli/dlq-command';
import { type DeadLetterTable, makeReplayDeadLetters } from '../../lib/use-cases/replay-dead-letters';

// A failure queue's messages and a stream's 24-hour trimming cannot be had from DynamoDB Local: mocked.
const sqs = mockClient(SQSClient);
const streams = mockClient(DynamoDBStreamsClient);
// Nor can a deployed function's invocation: Lambda is mocked too.
const lambda = mockClient(LambdaClient);
afterEach(() => {
  sqs.reset();
  streams.reset();
  lambda.reset();
});

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/1/TidingsStack-AlertsSendStreamFailures-q';
const pointerMessage = (id: string, shardId: string, sequence: string) => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Attributes: { SentTimestamp: String(Date.parse('2026-12-03T09:00:00Z')) },
  Body: JSON.stringify({
    requestContext: {
      functionArn: 'arn:aws:lambda:r:1:function:TidingsStack-AlertsSendFunction-x',
      condition: 'RetryAttemptsExhausted',
    },
    timestamp: `2026-12-03T09:00:0${id.slice(-1)}.000Z`,
    DDBStreamBatchInfo: {
      shardId,
      startSequenceNumber: sequence,
      endSequenceNumber: sequence,
      batchSize: 1,
      streamArn: 'arn:aws:dynamodb:r:1:table/t/stream/x',
    },
  }),
});

function text() {
  let written = '';
  return {
    stream: {
      write: (chunk: string) => {
        written += chunk;
        return true;
      },
    } as NodeJS.WritableStream,
    get: () => written,
  };
}

/** A table holding one queued delivery, whose requeue honours its condition. */
function table(): DeadLetterTable & { requeued: string[] } {
  const statuses: Record<string, string> = { 's1/ALERT#a1': 'queued' };
  const requeued: string[] = [];
  return {
    requeued,
    deliveryStatus: async (s, k) => statuses[`${s}/${k}`],
    requeueDelivery: async (s, k, from) => {
      if (statuses[`${s}/${k}`] !== from) return false;
      requeued.push(`${s}/${k}`);
      return true;
    },
    touchArticle: async () => true,
    chunk: async () => undefined,
  };
}

function mockQueue() {
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({
      Messages: [pointerMessage('m1', 'shard-live', '200'), pointerMessage('m2', 'shard-old', '100')],
    })
    .resolves({ Messages: [] });
  streams.on(GetShardIteratorCommand, { ShardId: 'shard-live' }).resolves({ ShardIterator: 'it-live' });
  streams
    .on(GetShardIteratorCommand, { ShardId: 'shard-old' })
    .rejects(new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} }));
  streams.on(GetRecordsCommand, { ShardIterator: 'it-live' }).resolves({
    Records: [
      {
        dynamodb: {
          SequenceNumber: '200',
          Keys: { pk: { S: 'SUB#s1' }, sk: { S: 'DELIVERY#ALERT#a1' } },
        },
      },
    ],
  });
}

describe('dlq on AWS: the failure queues and the stream', () => {
  it('lists a live pointer by the delivery it names and an old one as past the stream, deleting nothing', async () => {
    mockQueue();
    const out = text();
    const err = text();
    const replayer = makeReplayDeadLetters({
      table: table(),
      stream: makeStreamRecords(new DynamoDBStreamsClient({})),
      clock: { now: () => new Date() },
    });
    const code = await runDlqList({
      source: sqsDeadLetterSource(new SQSClient({}), [QUEUE]),
      replayer,
      stdout: out.stream,
      stderr: err.stream,
      json: false,
    });
    expect(code).toBe(0);
    expect(out.get()).toBe(
      '2026-12-03T09:00:01.000Z  send  delivery s1/ALERT#a1  outstanding (queued)  RetryAttemptsExhausted\n' +
        "2026-12-03T09:00:02.000Z  send  stream batch shard-old 100..100  left (past the stream's 24 h: run sweep / re-drive by hand)  RetryAttemptsExhausted\n",
    );
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    // Both are handed back at once, so a replay right after a list sees them.
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-m1', VisibilityTimeout: 0 },
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-m2', VisibilityTimeout: 0 },
    ]);
  });

  it('re-queues the live one and deletes its message only then; the old one stays in the queue', async () => {
    mockQueue();
    const out = text();
    const err = text();
    const deliveries = table();
    const code = await runDlqReplay({
      source: sqsDeadLetterSource(new SQSClient({}), [QUEUE]),
      replayer: makeReplayDeadLetters({
        table: deliveries,
        stream: makeStreamRecords(new DynamoDBStreamsClient({})),
        clock: { now: () => new Date() },
      }),
      stdout: out.stream,
      stderr: err.stream,
      dryRun: false,
      now: () => new Date(),
    });
    expect(code).toBe(0);
    expect(out.get()).toBe(
      'requeued delivery s1/ALERT#a1 (queued)\n' +
        "left stream batch shard-old 100..100 (past the stream's 24 h: run sweep / re-drive by hand)\n",
    );
    expect(deliveries.requeued).toEqual(['s1/ALERT#a1']);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-m1' },
    ]);
    expect(
      sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.ReceiptHandle),
    ).toEqual(['rh-m2']);
    expect(err.get()).toBe(
      `2 dead letters not replayed before in ${QUEUE}: re-queued 1, 0 done, 1 left as they are.\n`,
    );
  });
});

const FUNCTIONS_QUEUE = 'https://sqs.eu-west-1.amazonaws.com/1/TidingsStack-AlertsScheduleFailures-q';
const arn = (name: string) => `arn:aws:lambda:eu-west-1:1:function:TidingsStack-Alerts${name}Function-x`;
const payloadOf = (call: { args: [{ input: object }] }) => {
  const input = call.args[0].input as { FunctionName: string; Payload: Uint8Array };
  return { to: input.FunctionName, event: JSON.parse(new TextDecoder().decode(input.Payload)) };
};
const answer = (value: unknown, functionError?: string) => ({
  StatusCode: 200,
  FunctionError: functionError,
  Payload: new TextEncoder().encode(JSON.stringify(value)) as never,
});
const snsEvent = {
  Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'sns-1', Message: '{"eventType":"Bounce"}' } }],
};

describe('dlq on AWS: replays that run a function invoke the one the message names', () => {
  it('invokes a scheduled run, a feedback event and a fan-out chunk, and deletes a message only once its invocation succeeded', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            // Scheduler could not invoke the target at all: its DLQ names the target in attributes.
            MessageId: 'p1',
            ReceiptHandle: 'rh-p1',
            Body: '{}',
            Attributes: { SentTimestamp: String(Date.parse('2026-12-03T08:00:00Z')) },
            MessageAttributes: {
              SCHEDULE_ARN: { DataType: 'String', StringValue: 'arn:aws:scheduler:eu-west-1:1:schedule/x' },
              TARGET_ARN: { DataType: 'String', StringValue: arn('Poll') },
              ERROR_MESSAGE: { DataType: 'String', StringValue: 'Lambda was throttled' },
            },
          },
          {
            // The feedback function threw on every retry of an SNS event: Lambda's on-failure record.
            MessageId: 'f1',
            ReceiptHandle: 'rh-f1',
            Body: JSON.stringify({
              timestamp: '2026-12-03T08:00:01.000Z',
              requestContext: { functionArn: arn('Feedback'), condition: 'RetriesExhausted' },
              requestPayload: snsEvent,
              responsePayload: { errorMessage: 'table unavailable' },
            }),
          },
          {
            MessageId: 'c1',
            ReceiptHandle: 'rh-c1',
            Body: JSON.stringify({
              timestamp: '2026-12-03T08:00:02.000Z',
              requestContext: { functionArn: arn('Fanout'), condition: 'RetryAttemptsExhausted' },
              DDBStreamBatchInfo: {
                shardId: 'shard-f',
                startSequenceNumber: '300',
                endSequenceNumber: '300',
                batchSize: 1,
                streamArn: 'arn:aws:dynamodb:r:1:table/t/stream/x',
              },
            }),
          },
        ],
      })
      .resolves({ Messages: [] });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-f' });
    streams.on(GetRecordsCommand).resolves({
      Records: [
        { dynamodb: { SequenceNumber: '300', Keys: { pk: { S: 'FANOUT#a1#plan#0' }, sk: { S: 'CHUNK' } } } },
      ],
    });
    const chunk = { pk: 'FANOUT#a1#plan#0', sk: 'CHUNK', articleId: 'a1', recipients: ['s1', 's2'] };
    lambda.on(InvokeCommand, { FunctionName: arn('Poll') }).resolves(answer(null));
    // The cause is not fixed yet: the feedback function throws again.
    lambda
      .on(InvokeCommand, { FunctionName: arn('Feedback') })
      .resolves(answer({ errorMessage: 'table unavailable', errorType: 'Error' }, 'Unhandled'));
    lambda.on(InvokeCommand, { FunctionName: arn('Fanout') }).resolves(answer({ batchItemFailures: [] }));

    const out = text();
    const err = text();
    const code = await runDlqReplay({
      source: sqsDeadLetterSource(new SQSClient({}), [FUNCTIONS_QUEUE]),
      replayer: makeReplayDeadLetters({
        table: { ...table(), chunk: async (key) => (key === chunk.pk ? chunk : undefined) },
        stream: makeStreamRecords(new DynamoDBStreamsClient({})),
        run: lambdaFunctionRunner(new LambdaClient({})),
        clock: { now: () => new Date() },
      }),
      stdout: out.stream,
      stderr: err.stream,
      dryRun: false,
      now: () => new Date(),
    });

    const invoked = lambda.commandCalls(InvokeCommand).map((call) => payloadOf(call as never));
    expect(invoked).toEqual([
      { to: arn('Poll'), event: { source: 'tidings.dlq', 'detail-type': 'Scheduled Event' } },
      { to: arn('Feedback'), event: snsEvent },
      {
        to: arn('Fanout'),
        event: {
          Records: [
            expect.objectContaining({
              eventName: 'INSERT',
              dynamodb: expect.objectContaining({
                Keys: { pk: { S: chunk.pk }, sk: { S: 'CHUNK' } },
                NewImage: expect.objectContaining({ recipients: { L: [{ S: 's1' }, { S: 's2' }] } }),
              }),
            }),
          ],
        },
      },
    ]);
    expect(
      lambda.commandCalls(InvokeCommand).every((c) => c.args[0].input.InvocationType === 'RequestResponse'),
    ).toBe(true);
    // The poll run and the chunk are done: their messages go; the feedback event failed again and stays.
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual([
      'rh-p1',
      'rh-c1',
    ]);
    expect(
      sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.ReceiptHandle),
    ).toEqual(['rh-f1']);
    expect(err.get()).toContain(
      `feedback dead letter f1: replay failed, try again: ${arn('Feedback')} failed again: table unavailable`,
    );
    expect(code).toBe(1);
  });

  it('never invokes a function by a bare name: a letter that names no ARN is an error, and its message stays', async () => {
    const runner = lambdaFunctionRunner(new LambdaClient({}));
    await expect(runner.schedule('digest')).rejects.toThrow(
      /names no function ARN, so digest cannot be invoked/,
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});
