import { createServer } from 'node:net';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/free-port';
import { type RunningSesLocal, startSesLocal } from '../../lib/local/ses-local';

interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: unknown;
}

function rawEmail(subject: string): string {
  return [
    'From: Tidings <news@example.test>',
    'To: reader@example.test',
    'Cc: editor@example.test',
    'Reply-To: desk@example.test',
    `Subject: ${subject}`,
    'List-Unsubscribe: <https://example.test/unsubscribe/token-123>',
    'X-Tidings-Topic: topic-marker-42',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="part"',
    '',
    '--part',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Plain body',
    '--part',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>HTML body</p>',
    '--part--',
    '',
  ].join('\r\n');
}

function sesClient(endpoint: string): SESClient {
  return new SESClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

async function storedEmails(endpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  return store.emails;
}

describe('startSesLocal', () => {
  let ses: RunningSesLocal;
  let client: SESClient;

  beforeAll(async () => {
    ses = await startSesLocal();
    client = sesClient(ses.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    await ses.stop();
  });

  it('answers its health check on the reported endpoint', async () => {
    expect(ses.endpoint).toBe(`http://127.0.0.1:${ses.port}`);
    const response = await fetch(`${ses.endpoint}/health-check`);
    expect(response.status).toBe(200);
  });

  it('stores a raw email sent with SendRawEmail; custom headers are not kept', async () => {
    const subject = `Local SES check ${crypto.randomUUID()}`;
    const raw = new TextEncoder().encode(rawEmail(subject));

    const sent = await client.send(new SendRawEmailCommand({ RawMessage: { Data: raw } }));

    const email = (await storedEmails(ses.endpoint)).find((stored) => stored.subject === subject);
    expect(email).toMatchObject({
      messageId: sent.MessageId,
      // mailparser re-renders the address, quoting the display name.
      from: '"Tidings" <news@example.test>',
      replyTo: ['desk@example.test'],
      destination: { to: ['reader@example.test'], cc: ['editor@example.test'], bcc: [] },
    });
    expect(email?.body.text?.trim()).toBe('Plain body');
    expect(email?.body.html?.trim()).toBe('<p>HTML body</p>');
    expect(email?.headers).toBeUndefined();
    expect(JSON.stringify(email)).not.toMatch(/token-123|topic-marker-42/);
  });

  it('stops promptly even while a request is still open', async () => {
    const other = await startSesLocal();
    // The emulator never answers a v1 action it does not implement, so this request stays open.
    const pending = fetch(other.endpoint, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 local',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'Action=GetSendQuota',
    });
    await new Promise((wake) => setTimeout(wake, 100));

    // The emulator never answers it, so a stop that waited for open requests would never return.
    await other.stop();

    await expect(pending).rejects.toThrow();
    await expect(fetch(`${other.endpoint}/health-check`)).rejects.toThrow();
  });

  it('refuses a fixed port that another process is listening on', async () => {
    const port = await freePort();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));

    await expect(startSesLocal({ port })).rejects.toThrow(`cannot listen on port ${port}`);
    await new Promise((resolve) => squatter.close(resolve));
  });
});
