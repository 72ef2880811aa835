/**
 * Loaded into a child `npm start` with `--import` (after tsx), never by the project itself. It wraps the
 * SDK clients' `send` so a test can:
 * - read what SES accepted: every SendRawEmail answered with a message id is appended, synchronously, to
 *   `FAULTS_ACCEPTED_LOG` (one JSON line: to, subject, message id) before the caller sees the answer. That is
 *   the recipients' view: a message SES took is delivered, whether or not the process lived to write the
 *   outbox file or the ledger;
 * - kill the process with SIGKILL at one exact point, from `FAULTS_KILL`:
 *   `before-send:N`  as the Nth SendRawEmail is about to leave (its delivery claimed, nothing sent);
 *   `after-send:N`   right after SES accepted the Nth (before the outbox and the ledger hear of it);
 *   `delivery-put:N` as the Nth queued delivery is about to be written by the fan-out (mid-fan-out).
 */
import { appendFileSync } from 'node:fs';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { letterOf } from './letter';

const acceptedLog = process.env.FAULTS_ACCEPTED_LOG;
const [killAt = '', killNth = '0'] = (process.env.FAULTS_KILL ?? '').split(':');
const nth = Number(killNth);

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL was sent');
};

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => Promise<unknown>;

let sends = 0;
const sesSend = SESClient.prototype.send as unknown as Send;
Object.defineProperty(SESClient.prototype, 'send', {
  configurable: true,
  writable: true,
  value: function send(this: unknown, command: unknown, ...rest: unknown[]) {
    if (!(command instanceof SendRawEmailCommand)) return sesSend.call(this, command, ...rest);
    const index = ++sends;
    if (killAt === 'before-send' && index === nth) die();
    return sesSend.call(this, command, ...rest).then((output) => {
      const messageId = (output as { MessageId?: string }).MessageId;
      const data = command.input.RawMessage?.Data;
      const raw = typeof data === 'string' ? data : Buffer.from(data ?? []).toString('utf8');
      const { to, subject } = letterOf(raw);
      if (acceptedLog) appendFileSync(acceptedLog, `${JSON.stringify({ to, subject, messageId })}\n`);
      if (killAt === 'after-send' && index === nth) die();
      return output;
    });
  },
});

let deliveryPuts = 0;
const documentSend = DynamoDBDocumentClient.prototype.send as unknown as Send;
Object.defineProperty(DynamoDBDocumentClient.prototype, 'send', {
  configurable: true,
  writable: true,
  value: function send(this: unknown, command: unknown, ...rest: unknown[]) {
    if (
      killAt === 'delivery-put' &&
      command instanceof PutCommand &&
      command.input.Item?.entity === 'delivery' &&
      ++deliveryPuts === nth
    ) {
      die();
    }
    return documentSend.call(this, command, ...rest);
  },
});
