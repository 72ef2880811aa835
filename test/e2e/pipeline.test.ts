import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  linkIn,
  mailFor,
  projectRoot,
  startTestStack,
  type TestStack,
} from '../support/local-stack';
import { tidingsCli } from '../support/tidings-cli';

const fixture = (name: string) => readFile(join(projectRoot, 'test/fixtures/wire', name), 'utf8');

interface IngestBody {
  articles: { id: string; status: string }[];
}

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

function post(path: string, body: string, headers: Record<string, string>) {
  return fetch(`${stack.apiUrl}${path}`, { method: 'POST', body, headers });
}

const ingest = (body: string) => stack.ingest(body);

async function subscribe(email: string, topics: string[], frequency: string) {
  const response = await post('/subscriptions', JSON.stringify({ email, topics, frequency }), {
    'content-type': 'application/json',
  });
  expect(response.status).toBe(202);
  const [confirmation] = await eventually(async () => {
    const mail = await mailFor(stack.outboxDir, email);
    return mail.length > 0 ? mail : undefined;
  });
  expect(confirmation?.mail.subject).toMatch(/confirm/i);
  const confirmUrl = linkIn(confirmation?.mail.text ?? '', '/confirm');
  // The link's page only shows a button; following it (as mail scanners do) confirms nothing.
  const page = await fetch(confirmUrl);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<form method="post"');
  const confirmed = await fetch(confirmUrl, { method: 'POST', headers: { accept: 'application/json' } });
  expect(confirmed.status).toBe(200);
  expect(await confirmed.json()).toMatchObject({ status: 'confirmed', activatedTopics: topics.length });
}

describe('the whole pipeline, locally, on DynamoDB Local and the SES endpoint', () => {
  it('reports healthy once the database and the mail service answer', async () => {
    const response = await fetch(`${stack.apiUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('subscribes, alerts once, stays quiet for non-matches and duplicates, unsubscribes in one click, and digests', async () => {
    await subscribe('alice@example.com', ['Iran AND Iraq'], 'instant');
    await subscribe('bob@example.com', ['Gaza -football'], 'instant');
    await subscribe('carol@example.com', ['Iran'], 'daily');

    const first = await ingest(await fixture('basra-water-accord.txt'));
    expect(first.status).toBe(201);
    const [stored] = ((await first.json()) as IngestBody).articles as [IngestBody['articles'][number]];
    expect(stored.status).toBe('stored');

    const [alert] = await eventually(async () => {
      const mail = (await mailFor(stack.outboxDir, 'alice@example.com')).slice(1);
      return mail.length > 0 ? mail : undefined;
    });
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'alice@example.com')).toHaveLength(2);
    const { mail, raw } = alert as NonNullable<typeof alert>;
    expect(mail.subject).toContain('Iran and Iraq signed a water-sharing accord');
    expect(mail.text).toContain('Iran and Iraq signed a water-sharing accord');
    expect(mail.text).toContain(`${stack.apiUrl}/articles/${stored.id}`);
    expect(mail.text).toMatch(/Iran/);
    expect(mail.text).toMatch(/Iraq/);
    expect(mail.html).toContain(`${stack.apiUrl}/articles/${stored.id}`);
    expect(raw).toMatch(
      /^List-Unsubscribe: <http:\/\/localhost:\d+\/unsubscribe\?token=([\w.-]+)>, <mailto:unsubscribe@tidings\.local\?subject=unsubscribe%20\1>\r?$/m,
    );
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(raw).toMatch(/Content-Type: text\/plain/i);

    // The archive page the alert links to shows the stored article.
    const archive = await fetch(`${stack.apiUrl}/articles/${stored.id}`);
    expect(await archive.text()).toContain('Shatt al-Arab');

    // Bob's topic does not match: he has only his confirmation.
    expect(await mailFor(stack.outboxDir, 'bob@example.com')).toHaveLength(1);

    // The same article again is a duplicate and sends nothing new.
    const again = await ingest(await fixture('basra-water-accord.txt'));
    expect(again.status).toBe(200);
    expect(((await again.json()) as IngestBody).articles).toEqual([{ id: stored.id, status: 'duplicate' }]);
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'alice@example.com')).toHaveLength(2);

    // One-click unsubscribe (RFC 8058), exactly as a mail client sends it.
    const unsubscribeUrl = /^List-Unsubscribe: <([^>]+)>/m.exec(raw)?.[1] as string;
    const oneClick = await post(
      new URL(unsubscribeUrl).pathname + new URL(unsubscribeUrl).search,
      'List-Unsubscribe=One-Click',
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(oneClick.status).toBe(200);

    // The old confirmation link no longer claims she is subscribed, and offers a way back.
    const [confirmation] = await mailFor(stack.outboxDir, 'alice@example.com');
    const stale = await fetch(linkIn(confirmation?.mail.text ?? '', '/confirm'), {
      method: 'POST',
      headers: { accept: 'text/html' },
    });
    expect(stale.status).toBe(400);
    const stalePage = await stale.text();
    expect(stalePage).toContain('no longer valid');
    expect(stalePage).not.toContain('You are subscribed');
    expect(stalePage).toContain('<a href="/">');

    const second = await ingest(await fixture('border-crossing-reopens.txt'));
    expect(second.status).toBe(201);
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'alice@example.com')).toHaveLength(2);

    // Carol's daily digest, run by hand as an operator would.
    expect((await tidingsCli(stack, ['digest', 'run', '--now'])).code).toBe(0);
    const digest = await eventually(async () => {
      const mail = (await mailFor(stack.outboxDir, 'carol@example.com')).slice(1);
      return mail[0];
    });
    expect(digest.mail.subject).toMatch(/daily/i);
    expect(digest.mail.text).toContain('Iran and Iraq signed a water-sharing accord');
    expect(digest.mail.text).toContain('Mehran border crossing');
    expect(digest.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);

    // Running it again the same day sends nothing more.
    await stack.invoke('digest', { force: true });
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'carol@example.com')).toHaveLength(2);
  }, 120_000);
});
