import { type FunctionName, functions } from '../manifest';
import type { Concern, DeadLetter, StreamPointer } from './dead-letter';

/** One message of a failure queue, as SQS hands it over. */
export interface QueueMessage {
  readonly queueUrl: string;
  readonly messageId: string;
  readonly body: string;
  /** `SentTimestamp`, ISO. */
  readonly sentAt: string | undefined;
  /** String message attributes (Scheduler's `ERROR_MESSAGE`, SNS's `ErrorMessage`, …). */
  readonly attributes: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Longest first, so `feedback` is not read as `feeds`. */
const NAMES = (Object.keys(functions) as FunctionName[]).sort((a, b) => b.length - a.length);

/**
 * Which function a message belongs to: its `functionArn` names the Lambda function (CDK puts the construct
 * id, `…SendFunction…`, in it), else the queue's name does (`…SendStreamFailures…`).
 */
function functionOf(message: QueueMessage, functionArn: string | undefined): string {
  for (const where of [functionArn?.split(':function:')[1], message.queueUrl.split('/').pop()]) {
    const lower = where?.toLowerCase() ?? '';
    const name = NAMES.find((n) => lower.includes(n));
    if (name) return name;
  }
  return 'unknown';
}

function pointerOf(info: Json): StreamPointer | undefined {
  const streamArn = text(info.streamArn);
  const shardId = text(info.shardId);
  const start = text(info.startSequenceNumber);
  if (!streamArn || !shardId || !start) return undefined;
  return {
    streamArn,
    shardId,
    startSequenceNumber: start,
    endSequenceNumber: text(info.endSequenceNumber) ?? start,
    batchSize: Number(info.batchSize ?? 1),
    firstArrival: text(info.approximateArrivalOfFirstRecord),
    lastArrival: text(info.approximateArrivalOfLastRecord),
  };
}

/** The SNS message an event (`Records[0].Sns`) or an SNS envelope (`Type: Notification`) carries. */
function isSnsEvent(payload: Json | undefined): boolean {
  const first = object((payload?.Records as unknown[] | undefined)?.[0]);
  return object(first?.Sns) !== undefined;
}

/** An SNS envelope (what a subscription's DLQ keeps) as the event Lambda would have received. */
function snsEventOf(envelope: Json): Json {
  return { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: envelope }] };
}

/**
 * A failure-queue message read into what it concerns. The shapes, by path:
 * - a stream mapping's on-failure record: `DDBStreamBatchInfo` (a pointer into the stream, no keys);
 * - an asynchronous invocation's on-failure record (SNS-triggered and scheduled runs): `requestPayload` is
 *   the event, `responsePayload.errorMessage` the error;
 * - an SNS subscription's DLQ: the SNS envelope itself (`Type: Notification`);
 * - a schedule's DLQ (Scheduler could not invoke at all): the schedule's input, `ERROR_MESSAGE` attribute.
 */
export function readQueueMessage(message: QueueMessage): DeadLetter {
  let body: Json | undefined;
  try {
    body = object(JSON.parse(message.body));
  } catch {
    body = undefined;
  }
  const context = object(body?.requestContext);
  const functionArn = text(context?.functionArn) ?? message.attributes.TARGET_ARN;
  const fn = functionOf(message, functionArn);
  const response = object(body?.responsePayload);
  const reason =
    text(response?.errorMessage) ??
    message.attributes.ERROR_MESSAGE ??
    message.attributes.ErrorMessage ??
    text(context?.condition) ??
    '';
  const base = {
    id: message.messageId,
    at: text(body?.timestamp) ?? message.sentAt,
    function: fn,
    ...(functionArn?.includes(':function:') ? { functionArn } : {}),
    reason,
  };
  const concerns = ((): Concern[] => {
    const info = object(body?.DDBStreamBatchInfo);
    const pointer = info && pointerOf(info);
    if (pointer) return [{ kind: 'stream-batch', function: fn, pointer }];
    if (info) return [{ kind: 'unknown', detail: 'a stream batch pointer without its position' }];
    const payload = body && 'requestPayload' in body ? object(body.requestPayload) : undefined;
    const event =
      body?.Type === 'Notification' ? snsEventOf(body) : isSnsEvent(payload) ? payload : undefined;
    if (event) {
      const sns = object(object((event.Records as unknown[])[0])?.Sns);
      return [{ kind: 'feedback', messageId: text(sns?.MessageId) ?? '?', event }];
    }
    const scheduled =
      message.attributes.SCHEDULE_ARN !== undefined || text(payload?.['detail-type']) === 'Scheduled Event';
    if (scheduled || (body && 'requestPayload' in body)) return [{ kind: 'schedule', function: fn }];
    return [{ kind: 'unknown', detail: 'a failure-queue message of no known shape' }];
  })();
  return { ...base, concerns };
}
