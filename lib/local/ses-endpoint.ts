import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ValidationError } from '../errors';
import { sendEvent } from './ses-feedback';
import { type RunningSesLocal, startSesLocal } from './ses-local';
import type { SendEventJournal } from './ses-send-events';

const HOST = '127.0.0.1';
/**
 * The configuration set a message without one is sent with: the local sender identity has it as its
 * default (an SES identity setting), so every message gets a Send event, as every message on AWS does.
 */
export const LOCAL_CONFIGURATION_SET = 'tidings-local';
/** SES takes raw messages up to 10 MB (40 MB with v2); base64 and form encoding add about half again. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface SesEndpointOptions {
  /** 0 or undefined picks a free port. */
  readonly port?: number;
  /** Every message SES accepts is written here byte for byte, as `<message id>-<uuid>.eml`. */
  readonly outboxDir: string;
  /** Where the configuration set's Send events go (see `ses-send-events.ts`). */
  readonly sendEvents: SendEventJournal;
}

/**
 * The outbox file name of a message: its SES id, kept to what every file system takes, then a UUID. The
 * emulator's ids are `ses-` and 9 random digits, so among 66,000 messages (a full `bench:load`) about two
 * pairs share one; named by the id alone, the second overwrote the first and a sent message vanished.
 */
export const outboxFileId = (messageId: string) => `${messageId.replace(/[^\w.@-]/g, '_')}-${randomUUID()}`;

/** The SES id an outbox file (`outboxFileId` + `.eml`) was named by. */
export const messageIdOfOutboxFile = (file: string) => file.replace(/-[0-9a-f-]{36}\.eml$/, '');

/** What a SendRawEmail request names (SES v1 query API, form-encoded). */
interface RawSend {
  readonly raw: Buffer;
  readonly source: string;
  readonly destinations: string[];
  readonly configurationSet?: string;
  readonly tags: Record<string, string[]>;
}

function rawSendOf(body: Buffer): RawSend | undefined {
  const form = new URLSearchParams(body.toString('utf8'));
  if (form.get('Action') !== 'SendRawEmail') return undefined;
  const members = (prefix: string) => {
    const values: string[] = [];
    for (let i = 1; form.has(`${prefix}.member.${i}`) || form.has(`${prefix}.member.${i}.Name`); i++) {
      values.push(String(i));
    }
    return values;
  };
  const tags: Record<string, string[]> = {};
  for (const i of members('Tags')) {
    const name = form.get(`Tags.member.${i}.Name`);
    const value = form.get(`Tags.member.${i}.Value`);
    if (name && value !== null) tags[name] = [value];
  }
  const configurationSet = form.get('ConfigurationSetName') ?? undefined;
  return {
    raw: Buffer.from(form.get('RawMessage.Data') ?? '', 'base64'),
    source: form.get('Source') ?? '',
    destinations: members('Destinations').map((i) => form.get(`Destinations.member.${i}`) ?? ''),
    ...(configurationSet && { configurationSet }),
    tags,
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Forwards one request to the emulator and returns its whole answer. */
function forward(
  emulator: string,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = request(
      new URL(req.url ?? '/', emulator),
      { method: req.method, headers: { ...req.headers, 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    upstream.on('error', reject);
    // The client gave up (or the endpoint is stopping): so does the request to the emulator.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  });
}

/**
 * The local SES endpoint: the `aws-ses-v2-local` emulator behind a thin front that adds what SES does and
 * the emulator does not. Each message it accepts is kept byte for byte in the outbox (the emulator drops
 * custom headers such as List-Unsubscribe), and each gets the Send event SES would publish for its
 * configuration set, with the message's tags (the emulator ignores them). Both are on disk before the
 * sender hears "accepted", as on AWS they are beyond the sender's reach.
 */
export async function startSesEndpoint(options: SesEndpointOptions): Promise<RunningSesLocal> {
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) {
    throw new ValidationError(
      'invalid_port',
      `Port must be an integer from 0 to 65535, got ${requestedPort}.`,
    );
  }
  await mkdir(options.outboxDir, { recursive: true });
  const emulator = await startSesLocal();

  async function accept(send: RawSend, messageId: string) {
    const fileId = outboxFileId(messageId);
    const configurationSet = send.configurationSet ?? LOCAL_CONFIGURATION_SET;
    await options.sendEvents.record(
      fileId,
      sendEvent({
        messageId,
        from: send.source,
        to: send.destinations,
        sentAt: new Date(),
        tags: { ...send.tags, 'ses:configuration-set': [configurationSet] },
      }),
    );
    // Written under a temporary name and renamed: a message is in the outbox whole or not at all.
    const partial = join(options.outboxDir, `.${fileId}.${randomUUID()}.partial`);
    await writeFile(partial, send.raw);
    await rename(partial, join(options.outboxDir, `${fileId}.eml`));
    options.sendEvents.accepted(fileId);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const send = req.method === 'POST' ? rawSendOf(body) : undefined;
    const answer = await forward(emulator.endpoint, req, body, res);
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(answer.body.toString('utf8'))?.[1];
    if (send && answer.status === 200 && messageId) await accept(send, messageId);
    const { 'transfer-encoding': _chunked, connection: _connection, ...headers } = answer.headers;
    res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>${error.message.replace(/[<&>]/g, '')}</Message></Error></ErrorResponse>`,
      );
    });
  });
  try {
    await listen(server, requestedPort);
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulator.stop();
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`The local SES endpoint cannot listen on port ${port}: another process is using it.`)
          : error,
      ),
    );
    server.listen(port, HOST, () => resolve());
  });
}
