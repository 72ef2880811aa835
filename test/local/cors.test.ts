import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withHttpBoundary } from '../../lib/http/boundary';
import { json } from '../../lib/http/response';
import { apiRoutes, fallbackFunction, refuseUnmatched } from '../../lib/http/routes';
import { type HttpLambda, startHttpServer } from '../../lib/local/http-server';

const ALLOWED = 'https://news.example.com';
const calls: string[] = [];

function handlers(): Map<string, HttpLambda> {
  const echo = withHttpBoundary(async (event) => {
    calls.push(`${event.requestContext.http.method} ${event.rawPath}`);
    return event.routeKey === '$default' ? refuseUnmatched(event) : json(200, { ok: true });
  });
  const map = new Map<string, HttpLambda>(apiRoutes().map((route) => [route.name, echo]));
  map.set(fallbackFunction(), echo);
  return map;
}

let withOrigins: Awaited<ReturnType<typeof startHttpServer>>;
let without: Awaited<ReturnType<typeof startHttpServer>>;

beforeAll(async () => {
  withOrigins = await startHttpServer(handlers(), 0, { allowedOrigins: [ALLOWED] });
  without = await startHttpServer(handlers(), 0);
});

afterAll(async () => {
  await withOrigins?.stop();
  await without?.stop();
});

const preflight = (port: number, origin: string) =>
  fetch(`http://127.0.0.1:${port}/subscriptions`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });

describe('cross-origin calls to the local server, as API Gateway answers them', () => {
  it('answers a preflight from an allowed origin itself, with the methods and headers the stack allows', async () => {
    calls.length = 0;
    const answer = await preflight(withOrigins.port, ALLOWED);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET,HEAD,POST');
    expect(answer.headers.get('access-control-allow-headers')).toBe('content-type,authorization');
    expect(calls).toEqual([]);
  });

  it('gives another origin no CORS headers, so its page cannot read the answer', async () => {
    const answer = await preflight(withOrigins.port, 'https://evil.example');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`http://127.0.0.1:${withOrigins.port}/health`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks the answers to an allowed origin as readable by it', async () => {
    const answer = await fetch(`http://127.0.0.1:${withOrigins.port}/health`, {
      headers: { origin: ALLOWED },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('vary')).toBe('origin');
  });

  it('without allowed origins, hands OPTIONS to the functions like any other method and adds no CORS header', async () => {
    calls.length = 0;
    const answer = await preflight(without.port, ALLOWED);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(calls).toEqual(['OPTIONS /subscriptions']);
  });
});
