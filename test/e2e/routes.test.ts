import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '../../lib/manifest';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const asBrowser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const asApi = { accept: 'application/json' };

/** Headers that describe the connection or the moment, not the resource; a HEAD may differ in these. */
const perMessage = new Set(['date', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);
const resourceHeaders = (response: Response) =>
  Object.fromEntries([...response.headers].filter(([name]) => !perMessage.has(name)));

/** A request path for each GET route the manifest declares; `{param}` segments get a value no item has. */
const getPaths = httpRoutes()
  .filter(({ trigger }) => trigger.method === 'GET')
  .map(({ trigger }) => {
    const path = trigger.path.replace(/\{\w+\}/g, 'no-such-id');
    return path === '/preview' ? '/preview?topic=Iran' : path;
  });

describe('HEAD', () => {
  it.each(getPaths)('answers %s with the status and headers of GET, and no body', async (path) => {
    for (const headers of [asBrowser, asApi]) {
      const get = await fetch(`${stack.apiUrl}${path}`, { headers });
      const head = await fetch(`${stack.apiUrl}${path}`, { method: 'HEAD', headers });
      expect(head.status, `${path} ${headers.accept}`).toBe(get.status);
      expect(resourceHeaders(head), `${path} ${headers.accept}`).toEqual(resourceHeaders(get));
      expect(await head.text(), path).toBe('');
      expect((await get.arrayBuffer()).byteLength, path).toBeGreaterThan(0);
    }
  });

  it('answers an unknown path with 404 and a wrong method with 405, like GET would', async () => {
    expect((await fetch(`${stack.apiUrl}/nowhere`, { method: 'HEAD' })).status).toBe(404);
    const head = await fetch(`${stack.apiUrl}/subscriptions`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST');
  });
});

describe('a wrong method', () => {
  it.each([
    ['GET', '/subscriptions', 'POST'],
    ['POST', '/', 'GET, HEAD'],
    ['PUT', '/confirm', 'GET, HEAD, POST'],
    ['DELETE', '/articles/abc', 'GET, HEAD'],
    ['GET', '/articles', 'POST'],
  ])('%s %s is a 405 whose Allow header says %s', async (method, path, allow) => {
    const response = await fetch(`${stack.apiUrl}${path}`, { method, headers: asApi });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(await response.json()).toEqual({
      error: {
        code: 'method_not_allowed',
        message: `${method} is not allowed on ${path}; it answers ${allow}.`,
      },
    });
  });

  it('gets a page with a way home in a browser', async () => {
    const response = await fetch(`${stack.apiUrl}/subscriptions`, { headers: asBrowser });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await response.text();
    expect(body).toContain('GET is not allowed on /subscriptions');
    expect(body).toContain('<a href="/">');
  });
});

describe('an unknown path', () => {
  it('is a 404 page for a browser, under the pages’ strict CSP', async () => {
    const response = await fetch(`${stack.apiUrl}/no/such/page`, { headers: asBrowser });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    const body = await response.text();
    expect(body).toContain('<h1>Page not found</h1>');
    expect(body).toContain('<a href="/">');
    expect(body).not.toContain('{"error"');
  });

  it('is a 404 JSON error for an API client, whatever the method', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const response = await fetch(`${stack.apiUrl}/v2/things`, { method, headers: asApi });
      expect(response.status, method).toBe(404);
      expect(await response.json(), method).toEqual({
        error: {
          code: 'not_found',
          message: `No route for ${method} /v2/things: there is no page at this address.`,
        },
      });
    }
  });

  it('is a page for a browser form posted to it', async () => {
    const response = await fetch(`${stack.apiUrl}/old-form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('/favicon.ico', () => {
  it('is an icon a browser may keep for a year instead of a 404 on every page', async () => {
    const response = await fetch(`${stack.apiUrl}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/x-icon');
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(365 * 86_400);
    const bytes = new Uint8Array(await response.arrayBuffer());
    // An ICO file's header: reserved 0, type 1 (icon), one image.
    expect([...bytes.slice(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]);
  });
});
