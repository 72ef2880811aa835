import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  // 50 posts from one client below, to test the per-address limit apart from the per-client one.
  stack = await startTestStack({ TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE: '1000' });
});

afterAll(async () => {
  await stack?.close();
});

const items = () => stack.items();
// What the stack writes on its own while a test runs (send-rate tokens, the sweeper's pause, the matcher's
// topic snapshot): never something a subscribe post writes, so left out of the counts below.
const background = /^(SENDRATE#|SENDPAUSE|TOPICSNAP)/;
const postItems = async () => (await items()).filter((item) => !background.test(String(item.pk)));

describe('the subscribe form posted 50 times for one address', () => {
  it('answers every post alike and sends one confirmation email, to one subscriber', async () => {
    // The same address as a bot might vary it: case, spacing, a decomposed ü in the domain.
    const spellings = [
      'dora@bücher.example',
      'DORA@BÜCHER.EXAMPLE',
      ' dora@bu\u0308cher.example ',
      'Dora@xn--bcher-kva.example',
    ];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${stack.apiUrl}/subscriptions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: spellings[i % spellings.length], topics: [`topic ${i}`] }),
        }),
      ),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([202]));
    expect(new Set(bodies.map((b) => JSON.stringify(b)))).toEqual(
      new Set(['{"status":"pending_confirmation"}']),
    );

    await stack.whenIdle();
    // SES gets the domain in its ASCII form (mail parsers show it decoded again).
    const mail = await outbox(stack.outboxDir);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.raw).toMatch(/^To: dora@xn--bcher-kva\.example\r?$/m);

    const stored = await items();
    expect(stored.filter((item) => item.entity === 'subscriber')).toHaveLength(1);
    expect(stored.filter((item) => item.entity === 'email')).toEqual([
      expect.objectContaining({ pk: 'EMAIL#dora@xn--bcher-kva.example' }),
    ]);
    // Only the request that won the slot was recorded: the other 49 wrote nothing.
    expect(stored.filter((item) => item.entity === 'request')).toHaveLength(1);
    const topics = stored.filter((item) => item.entity === 'topic');
    expect(topics).toHaveLength(1);
    expect(mail[0]?.mail.text).toContain(`- ${topics[0]?.query} · each story as it arrives (new)\n`);
  });
});

describe('posts from other sites and from bots', () => {
  // Redirects are not followed, so a browser's 303 to the result page is what the test sees.
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${stack.apiUrl}${path}`, { method: 'POST', body, headers, redirect: 'manual' });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('refuses a subscribe form posted from another origin, writing nothing', async () => {
    await stack.whenIdle();
    const before = (await postItems()).length;
    const body = 'email=hal%40example.com&topics=quokka';
    for (const headers of [
      { ...form, origin: 'https://evil.example' },
      { ...form, origin: 'http://localhost:1' },
      { ...form, origin: 'null', 'sec-fetch-site': 'cross-site' },
      { ...form, 'sec-fetch-site': 'same-site' },
    ]) {
      const response = await post('/subscriptions', body, headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.text()).toContain('This form can only be sent from Tidings&#39; own pages');
    }
    expect((await postItems()).length).toBe(before);
  });

  it('accepts the same post from its own pages and from API clients that name no origin', async () => {
    const own = new URL(stack.apiUrl).origin;
    const ok = await post('/subscriptions', 'email=ida%40example.com&topics=quokka', {
      ...form,
      origin: own,
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/check-inbox');
    const api = await post(
      '/subscriptions',
      JSON.stringify({ email: 'jo@example.com', topics: ['quokka'] }),
      {
        'content-type': 'application/json',
      },
    );
    expect(api.status).toBe(202);
  });

  it('answers a filled honeypot like any other post, and does nothing', async () => {
    await stack.whenIdle();
    const before = (await postItems()).length;
    const response = await post(
      '/subscriptions',
      'email=kim%40example.com&topics=quokka&website=http%3A%2F%2Fspam',
      form,
    );
    // The same redirect to the same page as any valid post.
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/check-inbox');
    await stack.whenIdle();
    expect((await postItems()).length).toBe(before);
    expect((await outbox(stack.outboxDir)).filter((m) => m.raw.includes('kim@example.com'))).toEqual([]);
  });

  it('still takes a one-click unsubscribe whatever origin the mail client names', async () => {
    const response = await post('/unsubscribe?token=not-a-token', 'List-Unsubscribe=One-Click', {
      ...form,
      origin: 'https://mail.example',
    });
    // Past the origin check: the forged token is what it refuses.
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('This link is invalid or has expired.');
  });
});
