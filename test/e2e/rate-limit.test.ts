import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE: '3' });
});
afterAll(async () => {
  await stack?.close();
});

const subscribe = (email: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.apiUrl}/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, topics: ['quokka'] }),
  });

describe('the per-client limit on subscribing', () => {
  it('answers 429 with Retry-After past the limit, whatever X-Forwarded-For claims', async () => {
    // Invalid posts write nothing and are not counted.
    expect((await subscribe('not-an-address')).status).toBe(400);
    for (const email of ['a1@example.com', 'a2@example.com', 'a3@example.com']) {
      expect((await subscribe(email)).status, email).toBe(202);
    }
    const limited = await subscribe('a4@example.com', { 'x-forwarded-for': '203.0.113.9' });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({
      error: {
        code: 'too_many_requests',
        message: `Too many requests from your network; try again in ${retryAfter} seconds.`,
      },
    });
    // A browser gets a page, not JSON.
    const page = await fetch(`${stack.apiUrl}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a5%40example.com&topics=quokka',
    });
    expect(page.status).toBe(429);
    expect(page.headers.get('content-type')).toContain('text/html');
    const body = await page.text();
    expect(body).toContain('Too many requests from your network');
    // The form comes back filled in, so the reader can send it again later.
    expect(body).toContain('value="a5@example.com"');
  });
});
