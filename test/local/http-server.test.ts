import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { withHttpBoundary } from '../../lib/http/boundary';
import { bodyText } from '../../lib/http/request';
import { json } from '../../lib/http/response';
import { apiRoutes, fallbackFunction, refuseUnmatched } from '../../lib/http/routes';
import { type HttpLambda, startHttpServer } from '../../lib/local/http-server';
import { chunked, type RawAnswer, rawRequest } from '../support/raw-http';

const MiB = 1024 * 1024;
const seen: APIGatewayProxyEventV2[] = [];
let server: Awaited<ReturnType<typeof startHttpServer>>;
let failures: ReturnType<typeof vi.spyOn>;

beforeAll(async () => {
  // Every routed function answers with what it was handed; the fallback refuses as the real one does.
  const echo = withHttpBoundary(async (event) => {
    seen.push(event);
    return json(200, { routeKey: event.routeKey, bytes: Buffer.byteLength(bodyText(event)) });
  });
  const handlers = new Map<string, HttpLambda>(apiRoutes().map((route) => [route.name, echo]));
  const fallback = fallbackFunction();
  const fallbackEcho = handlers.get(fallback) ?? echo;
  handlers.set(fallback, async (event) =>
    event.routeKey === '$default'
      ? withHttpBoundary(async () => refuseUnmatched(event))(event)
      : fallbackEcho(event),
  );
  server = await startHttpServer(handlers, 0);
});

afterAll(async () => {
  await server?.stop();
});

beforeEach(() => {
  seen.length = 0;
  failures?.mockRestore();
  // The local server logs its own failures here; a hostile request must never be one.
  failures = vi.spyOn(console, 'error').mockImplementation(() => {});
});

const post = (extra: string) =>
  `POST /articles HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain${extra ? `\r\n${extra}` : ''}`;

function expectRefusal(answer: RawAnswer | undefined, status: number, code: string, message: RegExp) {
  expect(answer?.status).toBe(status);
  expect(answer?.headers['content-type']).toMatch(/application\/json/);
  const body = JSON.parse(answer?.body ?? '') as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
  expect(failures).not.toHaveBeenCalled();
}

async function expectStillServing() {
  const answer = await fetch(`http://127.0.0.1:${server.port}/articles`, {
    method: 'POST',
    body: 'still here',
    headers: { 'content-type': 'text/plain' },
  });
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ routeKey: 'POST /articles', bytes: 10 });
}

describe('the local server refuses a body over 1 MiB with 413, as API Gateway does', () => {
  it('passes a body of exactly 1 MiB to the handler', async () => {
    const answer = await rawRequest(server.port, {
      head: post(`Content-Length: ${MiB}`),
      body: Buffer.alloc(MiB, 'x'),
    });
    expect(answer?.status).toBe(200);
    expect(JSON.parse(answer?.body ?? '')).toEqual({ routeKey: 'POST /articles', bytes: MiB });
  });

  it('refuses a 1.5 MB body with its Content-Length, without calling the handler', async () => {
    const answer = await rawRequest(server.port, {
      head: post(`Content-Length: ${1.5 * MiB}`),
      body: Buffer.alloc(1.5 * MiB, 'x'),
    });
    expectRefusal(answer, 413, 'payload_too_large', /1048576 bytes/);
    expect(seen).toHaveLength(0);
    await expectStillServing();
  });

  it('refuses it as fetch sends it, and as a page to a browser', async () => {
    const url = `http://127.0.0.1:${server.port}/articles`;
    const asJson = await fetch(url, { method: 'POST', body: 'x'.repeat(1.5 * MiB) });
    expect(asJson.status).toBe(413);
    expect(((await asJson.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const asPage = await fetch(url, {
      method: 'POST',
      body: 'x'.repeat(1.5 * MiB),
      headers: { accept: 'text/html' },
    });
    expect(asPage.status).toBe(413);
    expect(asPage.headers.get('content-type')).toMatch(/text\/html/);
    expect(await asPage.text()).toContain('larger than 1048576 bytes');
    expect(failures).not.toHaveBeenCalled();
  });

  it('refuses a chunked body with no Content-Length once it passes the limit', async () => {
    const answer = await rawRequest(server.port, {
      head: post('Transfer-Encoding: chunked'),
      body: chunked(Buffer.alloc(1.5 * MiB, 'x'), 16 * 1024),
    });
    expectRefusal(answer, 413, 'payload_too_large', /1048576 bytes/);
    expect(seen).toHaveLength(0);
    await expectStillServing();
  });

  it('passes a small chunked body whole', async () => {
    const answer = await rawRequest(server.port, {
      head: post('Transfer-Encoding: chunked'),
      body: chunked(Buffer.from('a chunked story'), 4),
    });
    expect(JSON.parse(answer?.body ?? '')).toEqual({ routeKey: 'POST /articles', bytes: 15 });
  });

  it('refuses a Content-Length over the limit at once, however little follows', async () => {
    const answer = await rawRequest(server.port, {
      head: post(`Content-Length: ${5 * MiB}`),
      body: 'short',
      timeoutMs: 2000,
    });
    expectRefusal(answer, 413, 'payload_too_large', /1048576 bytes/);
    expect(seen).toHaveLength(0);
  });

  it('refuses a Content-Length that is not a number', async () => {
    const answer = await rawRequest(server.port, { head: post('Content-Length: lots'), body: 'short' });
    expect(answer?.status).toBe(400);
    await expectStillServing();
  });

  it('survives a Content-Length longer than the body the client then gives up on', async () => {
    const answer = await rawRequest(server.port, {
      head: post('Content-Length: 100'),
      body: 'only ten b',
      endAfterBody: true,
    });
    // Nobody is left to read an answer; what matters is that the server did not fail or stop serving.
    expect(answer === undefined || answer.status < 500).toBe(true);
    expect(seen).toHaveLength(0);
    expect(failures).not.toHaveBeenCalled();
    await expectStillServing();
  });

  it('hands over only the bytes a short Content-Length promised', async () => {
    const answer = await rawRequest(server.port, { head: post('Content-Length: 4'), body: 'four' });
    expect(JSON.parse(answer?.body ?? '')).toEqual({ routeKey: 'POST /articles', bytes: 4 });
    // What follows the promised bytes is read as a next request, and that one is malformed.
    const smuggled = await rawRequest(server.port, { head: post('Content-Length: 4'), body: 'fourand more' });
    expect(smuggled?.status).toBeLessThan(500);
    expect(failures).not.toHaveBeenCalled();
    await expectStillServing();
  });
});

describe('the local server answers a malformed path or Host with 4xx, never 500', () => {
  it.each([
    '/articles/%E0%A4%A',
    '/articles/%',
    '/articles/%ZZ',
    '/articles/%ED%A0%80',
    '/%',
    '/%E0%A4%A',
    '/preview%',
  ])('GET %s', async (path) => {
    const answer = await rawRequest(server.port, {
      head: `GET ${path} HTTP/1.1\r\nHost: localhost\r\nAccept: application/json`,
    });
    expectRefusal(answer, 400, 'invalid_path', /malformed %-escape/);
    expect(seen).toHaveLength(0);
  });

  it('refuses a path that cannot be decoded with 400, as a page to a browser', async () => {
    const answer = await rawRequest(server.port, {
      head: 'GET /articles/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nAccept: text/html',
    });
    expect(answer?.status).toBe(400);
    expect(answer?.body).toContain('malformed %-escape');
    expect(answer?.headers['content-type']).toMatch(/text\/html/);
  });

  it.each(['[::1', 'exa mple.com', '', 'localhost:99999', 'a@b', 'localhost/evil'])(
    'Host: %j',
    async (host) => {
      const answer = await rawRequest(server.port, {
        head: `GET / HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json`,
      });
      expectRefusal(answer, 400, 'invalid_host', /Host header/);
      expect(seen).toHaveLength(0);
    },
  );

  it('still takes a Host with a port or an IPv6 address', async () => {
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:3000', 'Example.COM']) {
      const answer = await rawRequest(server.port, { head: `GET / HTTP/1.1\r\nHost: ${host}` });
      expect(answer?.status, host).toBe(200);
    }
  });
});

// Found by the hostile-input suite: node:http hands a CONNECT request over as a bare socket and, with
// nobody listening, closed it without an answer. API Gateway tunnels nothing and answers them all.
describe('the local server answers CONNECT and Upgrade requests as any other, as API Gateway does', () => {
  it('refuses CONNECT on a route with 405 and its Allow, and one to a host:port with 400', async () => {
    const onRoute = await rawRequest(server.port, { head: 'CONNECT /articles HTTP/1.1\r\nHost: localhost' });
    expectRefusal(onRoute, 405, 'method_not_allowed', /CONNECT is not allowed/);
    expect(onRoute?.headers.allow).toBe('POST');
    const toHost = await rawRequest(server.port, {
      head: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com',
    });
    expectRefusal(toHost, 400, 'invalid_path', /not a path/);
    expect(seen).toHaveLength(0);
  });

  // node:http serves an Upgrade as a plain request while no 'upgrade' listener takes it over: kept so.
  it('serves a request asking to upgrade, with the body its Content-Length frames', async () => {
    const upgrade =
      'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA';
    for (const pieceBytes of [3, 64 * 1024]) {
      const answer = await rawRequest(server.port, {
        head: post(`${upgrade}\r\nContent-Length: 11`),
        body: 'hello world',
        pieceBytes,
      });
      expect(answer?.status).toBe(200);
      expect(JSON.parse(answer?.body ?? '')).toEqual({ routeKey: 'POST /articles', bytes: 11 });
    }
    const tooLarge = await rawRequest(server.port, {
      head: post(`${upgrade}\r\nContent-Length: ${2 * MiB}`),
    });
    expectRefusal(tooLarge, 413, 'payload_too_large', /1048576 bytes/);
    await expectStillServing();
  });
});
