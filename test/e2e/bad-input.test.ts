import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let db: DynamoDBClient;

beforeAll(async () => {
  stack = await startTestStack({ TIDINGS_DISPOSABLE_DOMAINS: 'mailinator.com, throwaway.test' });
  db = new DynamoDBClient({
    endpoint: stack.dynamodbUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  db?.destroy();
  await stack?.close();
});

async function itemCount(): Promise<number> {
  const { Count } = await db.send(new ScanCommand({ TableName: stack.env.TABLE_NAME, Select: 'COUNT' }));
  return Count ?? 0;
}

async function expectRejected(
  request: { path: string; body?: string; headers?: Record<string, string>; method?: string },
  status: number,
  code: string,
  message: RegExp,
) {
  const before = await itemCount();
  const response = await fetch(`${stack.apiUrl}${request.path}`, {
    method: request.method ?? 'POST',
    body: request.body,
    headers: request.headers,
  });
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  expect(await itemCount()).toBe(before);
  expect(await outbox(stack.outboxDir)).toHaveLength(0);
}

const article = JSON.stringify({ title: 'A headline', text: 'Iran and Iraq agreed on water.' });

describe('bad input gets its own clear error and writes nothing', () => {
  it('rejects ingest without the key', async () => {
    await expectRejected(
      { path: '/articles', body: article, headers: { 'content-type': 'application/json' } },
      401,
      'unauthorized',
      /Authorization: Bearer/,
    );
  });

  it('rejects ingest with a wrong key', async () => {
    await expectRejected(
      {
        path: '/articles',
        body: article,
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-key' },
      },
      401,
      'unauthorized',
      /ingest key/,
    );
  });

  const authed = () => ({ authorization: `Bearer ${stack.ingestKey}` });

  it.each([
    ['the bare key', (key: string) => key],
    ['another scheme', (key: string) => `Basic ${Buffer.from(`publisher:${key}`).toString('base64')}`],
    ['another scheme with the key', (key: string) => `Token ${key}`],
    ['the scheme with no key', () => 'Bearer'],
    ['the scheme and a blank', () => 'bearer '],
    ['the key with trailing junk', (key: string) => `Bearer ${key} junk`],
    ['the key with a suffix', (key: string) => `Bearer ${key}x`],
    ['the key twice', (key: string) => `Bearer ${key}, Bearer ${key}`],
    ['the scheme glued to the key', (key: string) => `Bearer${key}`],
  ])('refuses ingest with %s in Authorization, and names the scheme', async (_, authorization) => {
    const before = await itemCount();
    const response = await fetch(`${stack.apiUrl}/articles`, {
      method: 'POST',
      body: article,
      headers: { 'content-type': 'application/json', authorization: authorization(stack.ingestKey) },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(await itemCount()).toBe(before);
  });

  it('takes the key with the Bearer scheme in any case', async () => {
    for (const [i, scheme] of ['Bearer', 'bearer', 'BEARER'].entries()) {
      const response = await fetch(`${stack.apiUrl}/articles`, {
        method: 'POST',
        body: JSON.stringify({ text: `Ingest number ${i} of the scheme test: Iran and Iraq.` }),
        headers: { 'content-type': 'application/json', authorization: `${scheme} ${stack.ingestKey}` },
      });
      expect(response.status, scheme).toBe(201);
    }
    await stack.whenIdle();
  });

  it('rejects an empty body', async () => {
    await expectRejected(
      { path: '/articles', body: '', headers: { ...authed(), 'content-type': 'application/json' } },
      400,
      'empty_body',
      /empty/,
    );
    await expectRejected(
      { path: '/articles', body: '   \n ', headers: { ...authed(), 'content-type': 'text/plain' } },
      400,
      'empty_article',
      /empty|no text/i,
    );
  });

  it('rejects a body over 1 MiB', async () => {
    await expectRejected(
      {
        path: '/articles',
        body: 'x'.repeat(1024 * 1024 + 10),
        headers: { ...authed(), 'content-type': 'text/plain' },
      },
      413,
      'payload_too_large',
      /1048576 bytes/,
    );
  });

  it('stores an article at the size limit and refuses one past it', async () => {
    // The largest body accepted still fits in one DynamoDB item; one byte more is refused before writing.
    const atLimit = await stack.ingest({ title: 'Long read', text: `Iran ${'中'.repeat(99_998)}` });
    expect(atLimit.status).toBe(201);
    // What the stored article sets off (matching, the matcher's first topic snapshot) finishes first:
    // the tests here count the items a refused request writes, which must be none.
    await stack.whenIdle();
    await expectRejected(
      {
        path: '/articles',
        body: JSON.stringify({ text: '中'.repeat(100_001) }),
        headers: { ...authed(), 'content-type': 'application/json' },
      },
      400,
      'article_too_large',
      /300,003 bytes/,
    );
  });

  it('rejects an unknown content type', async () => {
    await expectRejected(
      {
        path: '/articles',
        body: '<article/>',
        headers: { ...authed(), 'content-type': 'application/msword' },
      },
      415,
      'unsupported_media_type',
      /application\/msword.*text\/plain, application\/json, application\/rss\+xml, application\/atom\+xml/,
    );
  });

  it('rejects malformed JSON articles', async () => {
    await expectRejected(
      { path: '/articles', body: '{"text": ', headers: { ...authed(), 'content-type': 'application/json' } },
      400,
      'invalid_json',
      /not valid JSON/,
    );
    await expectRejected(
      {
        path: '/articles',
        body: '{"title": "x"}',
        headers: { ...authed(), 'content-type': 'application/json' },
      },
      400,
      'invalid_article',
      /"text"/,
    );
  });

  const subscribe = (body: unknown) => ({
    path: '/subscriptions',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

  it('rejects an invalid email', async () => {
    await expectRejected(
      subscribe({ email: 'not-an-email', topics: ['Iran'] }),
      400,
      'invalid_email',
      /not a valid email/,
    );
    // Mailing a local part beyond ASCII needs SMTPUTF8, which SES lacks: refused now, not at every send.
    await expectRejected(
      subscribe({ email: 'jürgen@example.com', topics: ['Iran'] }),
      400,
      'invalid_email',
      /before the @ contains "ü"/,
    );
  });

  it('rejects an address at a listed disposable domain or its subdomains, before counting the request', async () => {
    for (const email of ['dana@mailinator.com', 'Dana@EU.Mailinator.com', 'dana@throwaway.test']) {
      await expectRejected(
        subscribe({ email, topics: ['Iran'] }),
        400,
        'invalid_email',
        /disposable addresses, which are not accepted here/,
      );
    }
    // A browser gets the same message as a page.
    const page = await fetch(`${stack.apiUrl}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=dana%40mailinator.com&topics=Iran',
    });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Addresses at mailinator.com are disposable addresses');
  });

  it('rejects an unparsable topic and says where', async () => {
    await expectRejected(
      subscribe({ email: 'dana@example.com', topics: ['Iran', '"Qassem Soleimani'] }),
      400,
      'invalid_query',
      /Topic 2.*column/i,
    );
  });

  it('rejects a topic that cannot match anything', async () => {
    await expectRejected(
      subscribe({ email: 'dana@example.com', topics: ['-football'] }),
      400,
      'invalid_query',
      /Topic 1/,
    );
  });

  it('rejects an unknown frequency', async () => {
    await expectRejected(
      subscribe({ email: 'dana@example.com', topics: ['Iran'], frequency: 'hourly' }),
      400,
      'invalid_frequency',
      /instant, daily, weekly/,
    );
  });

  it.each([
    [{ email: 'dana@example.com\r\nBcc: victim@example.com', topics: ['Iran'] }, 'invalid_email', /./],
    [{ email: 'dana@example.com\nSubject: hi', topics: ['Iran'] }, 'invalid_email', /./],
    [{ email: `${'a'.repeat(300)}@example.com`, topics: ['Iran'] }, 'invalid_email', /./],
    [{ email: 'dana@example.com', topics: ['<script>alert(1)</script> ('] }, 'invalid_query', /Topic 1/],
    [{ email: 'dana@example.com', topics: [{ query: 'x'.repeat(501) }] }, 'invalid_query', /500 characters/],
    [
      { email: 'dana@example.com', topics: Array.from({ length: 26 }, (_, i) => `topic${i}`) },
      'invalid_topics',
      /at most 25 topics/,
    ],
    [{ email: 'dana@example.com', topics: ['Iran'], timezone: 'Mars/Olympus' }, 'invalid_timezone', /IANA/],
    [{ email: 'dana@example.com', topics: ['Iran'], digestHour: 24 }, 'invalid_digest_hour', /0 to 23/],
    [
      { email: 'dana@example.com', topics: ['Iran'], digestWeekday: 'funday' },
      'invalid_digest_weekday',
      /monday/,
    ],
    [
      { email: 'dana@example.com', topics: [{ query: 'Iran', frequency: 'hourly' }] },
      'invalid_frequency',
      /instant/,
    ],
  ])('rejects the subscription %j', async (body, code, message) => {
    await expectRejected(subscribe(body), 400, code, message);
  });

  it('rejects a genuine token used for another purpose', async () => {
    const { makeTokens } = await import('../../lib/subscriptions/tokens');
    const tokens = makeTokens(stack.env.TIDINGS_TOKEN_SECRET ?? '');
    const confirm = tokens.issue({ purpose: 'confirm', subscriberId: 'x', requestId: 'r', exp: 4e9 });
    const preferences = tokens.issue({ purpose: 'preferences', subscriberId: 'x', exp: 4e9 });
    const json = { accept: 'application/json' };
    await expectRejected(
      { path: `/unsubscribe?token=${confirm}`, headers: json },
      400,
      'invalid_token',
      /invalid/,
    );
    await expectRejected(
      { path: `/confirm?token=${preferences}`, headers: json },
      400,
      'invalid_token',
      /invalid/,
    );
    await expectRejected(
      { path: `/mute?token=${preferences}`, headers: json },
      400,
      'invalid_token',
      /invalid/,
    );
  });

  it('answers a genuinely signed token of the wrong shape on every token route with 400, never 500', async () => {
    const { createHmac } = await import('node:crypto');
    const secret = stack.env.TIDINGS_TOKEN_SECRET ?? '';
    const sign = (payload: unknown) => {
      // Signed with the stack's own secret, as an older or buggy build might have issued it.
      const body = Buffer.from(JSON.stringify(payload) ?? 'undefined').toString('base64url');
      return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    };
    const payloads = [
      null,
      undefined,
      42,
      'confirm',
      [],
      {},
      { purpose: null, subscriberId: null },
      { purpose: 'preferences', subscriberId: { pk: 'SUB#x' } },
      { purpose: 'mute', subscriberId: 's', topicId: ['t'] },
      { purpose: 'confirm', subscriberId: 's', requestId: null },
      { purpose: 'preferences', subscriberId: 's', gen: null },
    ];
    const routes = [
      ['GET', '/confirm'],
      ['GET', '/confirmed'],
      ['GET', '/unsubscribe'],
      ['GET', '/unsubscribed'],
      ['GET', '/preferences'],
      ['GET', '/mute'],
      ['GET', '/preferences/export'],
      ['POST', '/confirm'],
      ['POST', '/unsubscribe'],
      ['POST', '/preferences'],
      ['POST', '/mute'],
      ['POST', '/preferences/erase'],
    ] as const;
    const before = await itemCount();
    for (const payload of payloads) {
      const token = sign(payload);
      for (const [method, path] of routes) {
        const where = `${method} ${path} with ${JSON.stringify(payload)}`;
        const body = method === 'POST' ? 'action=topics&confirm=yes' : undefined;
        const form: Record<string, string> =
          method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
        const asJson = await fetch(`${stack.apiUrl}${path}?token=${token}`, {
          method,
          body,
          headers: { ...form, accept: 'application/json' },
        });
        expect(asJson.status, where).toBe(400);
        const page = await fetch(`${stack.apiUrl}${path}?token=${token}`, {
          method,
          body,
          headers: { ...form, accept: 'text/html' },
          redirect: 'manual',
        });
        expect(page.status, where).toBe(400);
        expect(await page.text(), where).toMatch(/invalid or has expired/);
      }
    }
    expect(await itemCount()).toBe(before);
  });

  it('rejects a forged confirmation or unsubscribe link', async () => {
    await expectRejected(
      { path: '/confirm?token=abc.def', headers: { accept: 'application/json' } },
      400,
      'invalid_token',
      /invalid/,
    );
    await expectRejected(
      { path: '/unsubscribe?token=', headers: { accept: 'application/json' } },
      400,
      'invalid_token',
      /invalid/,
    );
  });

  it('rejects an invalid topic preview with the column', async () => {
    await expectRejected(
      {
        path: `/preview?topic=${encodeURIComponent('Iran AND (Iraq')}`,
        method: 'GET',
        headers: { accept: 'application/json' },
      },
      400,
      'invalid_query',
      /column 10/,
    );
  });

  it.each([
    ['over 2 KB', 'a'.repeat(3000)],
    ['over 2 KB of multi-byte letters', encodeURIComponent('中'.repeat(800))],
    ['of hex but far too long', 'f'.repeat(1500)],
    ['with a space', 'abc%20def'],
    ['with a NUL', 'abc%00'],
    ['with a key prefix', encodeURIComponent('x#ARTICLE')],
    ['with an encoded slash', '..%2F..%2Fhealth'],
    ['with upper-case hex', 'ABCDEF0123456789ABCD'],
  ])('answers an article id %s with a 404 page, never a 500', async (_, id) => {
    const asJson = await fetch(`${stack.apiUrl}/articles/${id}`, { headers: { accept: 'application/json' } });
    expect(asJson.status).toBe(404);
    expect(((await asJson.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const asPage = await fetch(`${stack.apiUrl}/articles/${id}`, { headers: { accept: 'text/html' } });
    expect(asPage.status).toBe(404);
    expect(asPage.headers.get('content-type')).toMatch(/text\/html/);
    expect(await asPage.text()).toContain('There is no article with that id.');
    const head = await fetch(`${stack.apiUrl}/articles/${id}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
  });

  it('still shows a stored article by its id', async () => {
    const stored = (await (
      await stack.ingest({ text: 'An archived story about Iran and Iraq.' })
    ).json()) as {
      articles: { id: string }[];
    };
    const id = stored.articles[0]?.id ?? '';
    expect(id).toMatch(/^[0-9a-f]+$/);
    expect((await fetch(`${stack.apiUrl}/articles/${id}`)).status).toBe(200);
    await stack.whenIdle();
  });

  it('answers unknown routes and methods with JSON errors', async () => {
    await expectRejected({ path: '/nowhere', method: 'GET' }, 404, 'not_found', /No route/);
    await expectRejected(
      { path: '/articles', method: 'GET' },
      405,
      'method_not_allowed',
      /GET is not allowed/,
    );
  });
});
