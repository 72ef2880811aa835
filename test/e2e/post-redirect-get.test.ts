import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, linkIn, mailFor, outbox, startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const asJson = { 'content-type': 'application/json', accept: 'application/json' };

/** A request as a browser's form would send it, without following the redirect, to see it. */
function post(pathAndQuery: string, body: string | Buffer, headers: Record<string, string>) {
  return fetch(`${stack.apiUrl}${pathAndQuery}`, { method: 'POST', body, headers, redirect: 'manual' });
}

const get = (pathAndQuery: string) =>
  fetch(`${stack.apiUrl}${pathAndQuery}`, { headers: { accept: 'text/html' } });

const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;

async function confirmationLink(email: string): Promise<string> {
  const [mail] = await eventually(async () => {
    const found = await mailFor(stack.outboxDir, email);
    return found.length ? found : undefined;
  });
  return pathOf(linkIn(mail?.mail.text ?? '', '/confirm'));
}

const consentLines = async (email: string) => {
  const items = await stack.items();
  const subscriber = items.find((i) => i.entity === 'subscriber' && i.email === email);
  return items.filter((i) => i.pk === subscriber?.pk && String(i.sk).startsWith('CONSENT#')).length;
};

describe('a browser form post', () => {
  it('to /subscriptions is answered 303 to the check-your-inbox page, which a reload only reads', async () => {
    const response = await post('/subscriptions', 'email=pat%40example.com&topics=quokka%0Awombat', form);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/check-inbox');
    expect(await response.text()).toBe('');

    const result = await get('/check-inbox');
    expect(result.status).toBe(200);
    const body = await result.text();
    expect(body).toContain('<h1>Check your inbox</h1>');
    expect(body).toContain('<a href="/">');
    await get('/check-inbox');
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'pat@example.com')).toHaveLength(1);
  });

  it('to /confirm is answered 303 to a page listing every active topic; reloading it confirms nothing again', async () => {
    const link = await confirmationLink('pat@example.com');
    const response = await post(link, '', form);
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toBe(link.replace('/confirm?', '/confirmed?'));

    const ledger = await consentLines('pat@example.com');
    for (let reload = 0; reload < 2; reload++) {
      const result = await get(location);
      expect(result.status).toBe(200);
      const body = await result.text();
      expect(body).toContain('<h1>You are subscribed</h1>');
      expect(body).toContain('2 topics are now active');
      expect(body).toContain('<code>quokka</code>');
      expect(body).toContain('<code>wombat</code>');
      expect(body).toContain('<a href="/">');
    }
    expect(await consentLines('pat@example.com')).toBe(ledger);
  });

  it('to /unsubscribe is answered 303 to the unsubscribed page', async () => {
    const ingested = await stack.ingest({ title: 'Quokka census', text: 'The quokka count rose again.' });
    expect(ingested.status).toBe(201);
    const alert = await eventually(async () => (await mailFor(stack.outboxDir, 'pat@example.com'))[1]);
    const link = pathOf(linkIn(alert.mail.text ?? '', '/unsubscribe'));

    const response = await post(link, '', form);
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toBe(link.replace('/unsubscribe?', '/unsubscribed?'));
    const result = await get(location);
    expect(result.status).toBe(200);
    const body = await result.text();
    expect(body).toContain('<h1>You are unsubscribed</h1>');
    expect(body).toContain('<a href="/">Subscribe again</a>');
  });
});

describe('result pages with a token', () => {
  it.each(['/confirmed', '/unsubscribed'])(
    '%s with a tampered or missing token is the friendly error page, never a 500',
    async (path) => {
      for (const query of ['?token=eyJwdXJwb3NlIjoiY29uZmlybSJ9.forged', '?token=', '']) {
        const response = await get(`${path}${query}`);
        expect(response.status, query).toBe(400);
        const body = await response.text();
        expect(body, query).toContain('This link is invalid or has expired.');
        expect(body, query).toContain('<a href="/">');
      }
    },
  );
});

describe('a refused form post', () => {
  // Found by the hostile-input suite: the form shown again read the fields from the very body that was
  // refused, failed, and the reader got the bare error page (and the log an error) instead of the form.
  it('whose bytes are not UTF-8 gets the subscribe form again, empty, with the error on it', async () => {
    const bytes = Buffer.concat([Buffer.from('email=pat%40example.com&topics='), Buffer.from([0xff, 0xfe])]);
    const response = await post('/subscriptions', bytes, form);
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('The body is not valid UTF-8.');
    expect(body).toMatch(/<form[^>]*action="\/subscriptions"/);
    expect(body).not.toContain('pat@example.com');
  });
});

describe('API clients and mail providers', () => {
  it('keep their status codes and JSON bodies, and one-click is a 200, never a redirect', async () => {
    const subscribed = await post(
      '/subscriptions',
      JSON.stringify({ email: 'quinn@example.com', topics: ['kakapo'] }),
      asJson,
    );
    expect(subscribed.status).toBe(202);
    expect(await subscribed.json()).toEqual({ status: 'pending_confirmation' });

    const link = await confirmationLink('quinn@example.com');
    const confirmed = await post(link, '', { accept: 'application/json' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toEqual({ status: 'confirmed', activatedTopics: 1 });

    const ingested = await stack.ingest({ title: 'Kakapo chicks', text: 'Kakapo chicks hatched.' });
    expect(ingested.status).toBe(201);
    const alert = await eventually(async () => (await mailFor(stack.outboxDir, 'quinn@example.com'))[1]);
    const unsubscribeLink = pathOf(linkIn(alert.mail.text ?? '', '/unsubscribe'));

    const oneClick = await post(unsubscribeLink, 'List-Unsubscribe=One-Click', form);
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get('location')).toBeNull();

    const again = await post(unsubscribeLink, '', { accept: 'application/json' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'unsubscribed' });
    expect((await outbox(stack.outboxDir)).filter((m) => m.raw.includes('quinn@example.com'))).toHaveLength(
      2,
    );
  });
});
