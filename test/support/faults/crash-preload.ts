/**
 * Loaded into a child `npm start` with `--import` (after tsx), never by the project itself. It wraps the
 * SDK clients' `send` so a test can kill the process with SIGKILL at one exact point, from `FAULTS_KILL`:
 *   `before-send:N`  as the Nth SendRawEmail is about to leave (its delivery claimed, nothing sent);
 *   `after-send:N`   right after SES accepted the Nth (before the ledger hears of it);
 *   `delivery-put:N` as the Nth queued delivery is about to be written by the fan-out (mid-fan-out).
 */
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

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
