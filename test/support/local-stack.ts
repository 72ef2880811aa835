import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type ParsedMail, simpleParser } from 'mailparser';
import { freePort } from '../../lib/local/free-port';
import { readLocalSettings } from '../../lib/local/local-env';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../lib/local/local-stack';

export const projectRoot = resolve(import.meta.dirname, '../..');

export interface TestStack extends LocalStack {
  readonly dataDir: string;
  readonly ingestKey: string;
  readonly ports: { api: number; dynamodb: number; ses: number };
  readonly close: () => Promise<void>;
  /** POST /articles as the publishing system does: wire copy as text, anything else as JSON. */
  readonly ingest: (body: string | object) => Promise<Response>;
  /** Every item in the table, for tests that check what a request wrote (or that it wrote nothing). */
  readonly items: () => Promise<Record<string, unknown>[]>;
}

/** The same local stack `npm start` runs, on free ports, in memory, with its own outbox folder. */
export async function startTestStack(
  env: Readonly<Record<string, string>> = {},
  options: Pick<LocalStackOptions, 'endpointsFor'> = {},
): Promise<TestStack> {
  // The handlers read their settings from the environment, as in Lambda; a test file may set its own.
  Object.assign(process.env, env);
  const dataDir = await mkdtemp(join(tmpdir(), 'tidings-test-'));
  const ports = { api: await freePort(), dynamodb: await freePort(), ses: await freePort() };
  const ingestKey = `test-key-${Math.random().toString(36).slice(2)}`;
  const settings = readLocalSettings(
    {
      PORT: String(ports.api),
      DYNAMODB_PORT: String(ports.dynamodb),
      SES_PORT: String(ports.ses),
      TIDINGS_DATA_DIR: dataDir,
      TIDINGS_INGEST_KEY: ingestKey,
    },
    projectRoot,
  );
  const stack = await startLocalStack({
    projectRoot,
    settings,
    persist: false,
    schedules: false,
    ...options,
  });
  const db = new DynamoDBClient({
    endpoint: stack.dynamodbUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    ...stack,
    dataDir,
    ingestKey,
    ports,
    ingest: (body) =>
      fetch(`${stack.apiUrl}/articles`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ingestKey}`,
          'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    items: async () => {
      const found: Record<string, unknown>[] = [];
      let ExclusiveStartKey: ScanCommand['input']['ExclusiveStartKey'];
      do {
        const page = await db.send(new ScanCommand({ TableName: settings.tableName, ExclusiveStartKey }));
        found.push(...(page.Items ?? []).map((item) => unmarshall(item)));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return found;
    },
    close: async () => {
      db.destroy();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Received {
  readonly file: string;
  readonly raw: string;
  readonly mtimeMs: number;
  readonly mail: ParsedMail;
}

/** Every message the mailer wrote to the outbox, parsed, oldest first. */
export async function outbox(dir: string): Promise<Received[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  const received = await Promise.all(
    files.map(async (file) => {
      const raw = await readFile(join(dir, file), 'utf8');
      const { mtimeMs } = await stat(join(dir, file));
      return { file, raw, mtimeMs, mail: await simpleParser(raw) };
    }),
  );
  return received.sort((a, b) => a.mtimeMs - b.mtimeMs);
}

export function to(received: Received): string {
  const address = received.mail.to;
  const first = Array.isArray(address) ? address[0] : address;
  return first?.value[0]?.address ?? '';
}

export async function mailFor(dir: string, address: string): Promise<Received[]> {
  return (await outbox(dir)).filter((m) => to(m) === address);
}

/** Waits until at least `count` messages to `address` are in the outbox, and returns them all. */
export function mailTo(dir: string, address: string, count: number): Promise<Received[]> {
  return eventually(async () => {
    const mail = await mailFor(dir, address);
    return mail.length >= count ? mail : undefined;
  });
}

/** Polls until `check` returns a value, for mail that arrives through the stream plumbing. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for the condition.');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s<>"]+${path}\\?token=[\\w.-]+`).exec(text);
  if (!match) throw new Error(`No ${path} link in:\n${text}`);
  return match[0];
}
