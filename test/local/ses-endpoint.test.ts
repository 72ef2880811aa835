import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../lib/local/free-port';
import {
  LOCAL_CONFIGURATION_SET,
  messageIdOfOutboxFile,
  startSesEndpoint,
} from '../../lib/local/ses-endpoint';
import type { RunningSesLocal } from '../../lib/local/ses-local';
import { startSendEventPublisher } from '../../lib/local/ses-send-events';

const raw = (subject: string) =>
  Buffer.from(
    [
      'From: Tidings <news@example.test>',
      'To: reader@example.test',
      `Subject: ${subject}`,
      'List-Unsubscribe: <https://example.test/unsubscribe/token-123>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Plain body',
      '',
    ].join('\r\n'),
  );

let dir: string;
let ses: RunningSesLocal;
let client: SESClient;
const published: Record<string, unknown>[] = [];
let publisher: ReturnType<typeof startSendEventPublisher>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidings-ses-endpoint-'));
  publisher = startSendEventPublisher({
    dir: join(dir, 'events'),
    outboxDir: join(dir, 'outbox'),
    publish: async (message) => {
      published.push(JSON.parse(message));
    },
    log: () => {},
  });
  await publisher.prepare();
  ses = await startSesEndpoint({ outboxDir: join(dir, 'outbox'), sendEvents: publisher.journal });
  await publisher.start();
  client = new SESClient({
    endpoint: ses.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await publisher?.stop();
  await ses?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const until = async <T>(read: () => T | undefined): Promise<T> => {
  for (let i = 0; i < 100; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('not in time');
};

/** The outbox files of every message SES gave `messageId`. */
async function outboxFilesOf(messageId: string): Promise<string[]> {
  const files = await readdir(join(dir, 'outbox'));
  return files
    .filter((f) => f.endsWith('.eml') && messageIdOfOutboxFile(f) === messageId)
    .map((f) => join(dir, 'outbox', f));
}

async function outboxFileOf(messageId: string): Promise<string> {
  const files = await outboxFilesOf(messageId);
  expect(files).toHaveLength(1);
  return files[0] ?? '';
}

describe('the local SES endpoint', () => {
  it('keeps each accepted message byte for byte in the outbox, custom headers and all', async () => {
    const message = raw(`Outbox ${crypto.randomUUID()}`);
    const { MessageId } = await client.send(new SendRawEmailCommand({ RawMessage: { Data: message } }));
    const file = await outboxFileOf(MessageId ?? '');
    expect(await readFile(file)).toEqual(message);
    // The emulator's own inbox still has it, through the same endpoint.
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
      emails: { messageId: string }[];
    };
    expect(store.emails.map((email) => email.messageId)).toContain(MessageId);
  });

  it('keeps both of two messages the emulator gave the same id (its ids are 9 random digits)', async () => {
    // The emulator draws its ids from Math.random in this process: held still, two sends share one.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.25);
    try {
      const first = raw(`Twin ${crypto.randomUUID()}`);
      const second = raw(`Twin ${crypto.randomUUID()}`);
      const a = await client.send(new SendRawEmailCommand({ RawMessage: { Data: first } }));
      const b = await client.send(new SendRawEmailCommand({ RawMessage: { Data: second } }));
      expect(a.MessageId).toBe(b.MessageId);
      const files = await outboxFilesOf(a.MessageId ?? '');
      const bodies = await Promise.all(files.map((f) => readFile(f)));
      expect(bodies).toHaveLength(2);
      expect(bodies).toEqual(expect.arrayContaining([first, second]));
    } finally {
      random.mockRestore();
    }
  });

  it('publishes the Send event SES would, with the message tags the emulator ignores', async () => {
    const { MessageId } = await client.send(
      new SendRawEmailCommand({
        Source: 'Tidings <news@example.test>',
        Destinations: ['reader@example.test'],
        RawMessage: { Data: raw('Tagged') },
        ConfigurationSetName: 'TidingsSet',
        Tags: [
          { Name: 'tidings-attempt', Value: 'YXR0ZW1wdC0x' },
          { Name: 'campaign', Value: 'breaking' },
        ],
      }),
    );
    const event = await until(() =>
      published.find((e) => (e.mail as { messageId: string }).messageId === MessageId),
    );
    expect(event).toMatchObject({
      eventType: 'Send',
      send: {},
      mail: {
        messageId: MessageId,
        source: 'Tidings <news@example.test>',
        destination: ['reader@example.test'],
        tags: {
          'tidings-attempt': ['YXR0ZW1wdC0x'],
          campaign: ['breaking'],
          'ses:configuration-set': ['TidingsSet'],
        },
      },
    });
    // Published, so no longer waiting on disk.
    await until(() => (publisher.idle ? true : undefined));
    expect(await readdir(join(dir, 'events'))).toEqual([]);
  });

  it('gives mail sent without a configuration set the identity’s default one', async () => {
    const { MessageId } = await client.send(
      new SendRawEmailCommand({ RawMessage: { Data: raw('Default') } }),
    );
    const event = await until(() =>
      published.find((e) => (e.mail as { messageId: string }).messageId === MessageId),
    );
    expect((event.mail as { tags: unknown }).tags).toEqual({
      'ses:configuration-set': [LOCAL_CONFIGURATION_SET],
    });
  });

  it('refuses a fixed port another process listens on, naming it', async () => {
    const port = await freePort();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    await expect(
      startSesEndpoint({ port, outboxDir: join(dir, 'outbox'), sendEvents: publisher.journal }),
    ).rejects.toThrow(`cannot listen on port ${port}`);
    await new Promise((resolve) => squatter.close(resolve));
  });
});

describe('Send events a killed process left behind', () => {
  it('go out at the next start when their message reached the outbox, and are dropped when it did not', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tidings-ses-events-'));
    try {
      const events = join(root, 'events');
      const outbox = join(root, 'outbox');
      await mkdir(events, { recursive: true });
      await mkdir(outbox, { recursive: true });
      await writeFile(
        join(events, 'accepted.json'),
        JSON.stringify({ eventType: 'Send', mail: { messageId: 'accepted' } }),
      );
      await writeFile(join(outbox, 'accepted.eml'), raw('accepted'));
      await writeFile(
        join(events, 'never-sent.json'),
        JSON.stringify({ eventType: 'Send', mail: { messageId: 'never-sent' } }),
      );
      const seen: string[] = [];
      const restarted = startSendEventPublisher({
        dir: events,
        outboxDir: outbox,
        publish: async (message) => {
          seen.push((JSON.parse(message) as { mail: { messageId: string } }).mail.messageId);
        },
        log: () => {},
      });
      await restarted.prepare();
      // Recorded before start (a sender already at work): held until the catch-up is done, then sent too.
      await restarted.journal.record('early', { eventType: 'Send', mail: { messageId: 'early' } });
      await writeFile(join(outbox, 'early.eml'), raw('early'));
      restarted.journal.accepted('early');
      expect(seen).toEqual([]);

      await restarted.start();
      expect(seen.sort()).toEqual(['accepted', 'early']);
      expect(await readdir(events)).toEqual([]);
      await restarted.stop();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
