import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzRequest, send, shrinkFailure } from './harness';
import { sample } from './inputs';

// A server with one planted bug: a body holding a `%` gets a 500, anything else a 204.
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('latin1');
    });
    req.on('end', () => res.writeHead(body.includes('%') ? 500 : 204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const posts: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.string({ unit: 'binary-ascii', minLength: 20, maxLength: 200 }), fc.constantFrom('a', 'b'))
  .map(([body, tag]) => ({ method: 'POST', target: `/things/${tag}`, body, label: 'planted' }));

describe('shrinking a failure the fuzz run found', () => {
  it('comes down to the smallest request that still fails, with a seed and path that replay it', async () => {
    const seed = 42;
    // What the sampled run sees: some bodies of 20-200 characters happen to hold a `%`.
    const sampled = sample(posts, 200, seed);
    expect(sampled.some((request) => String(request.body).includes('%'))).toBe(true);

    const shrunk = await shrinkFailure(posts, 200, seed, (request) => send(port, request));

    // The body could lose every character but one: the `%` itself, padded back to the minimum length.
    expect(shrunk.request?.body).toMatch(/^[^%]*%[^%]*$/);
    expect(String(shrunk.request?.body)).toHaveLength(20);
    expect(shrunk.request?.target).toBe('/things/a');
    expect(shrunk.line).toMatch(
      /^shrunk in \d+ steps to .*: status 500: ; replay with fc\.check\(\.\.\., \{ seed: 42, path: "[\d:]+" \}\)$/,
    );
    const path = /path: "([\d:]+)"/.exec(shrunk.line)?.[1];
    const replayed = await fc.check(
      fc.asyncProperty(posts, async (request) => (await send(port, request)).failure === undefined),
      { seed, path, numRuns: 200, endOnFailure: true },
    );
    expect(replayed.counterexample?.[0]).toEqual(shrunk.request);
  });

  it('says so when the failure does not come back one request at a time', async () => {
    const shrunk = await shrinkFailure(
      posts.filter((request) => !String(request.body).includes('%')),
      50,
      7,
      (request) => send(port, request),
    );
    expect(shrunk.request).toBeUndefined();
    expect(shrunk.line).toBe(
      'not reproduced from seed 7 one request at a time: it needs concurrency or state',
    );
  });
});
