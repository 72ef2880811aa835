import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lookup, makeHttpFeedFetcher } from '../../lib/adapters/http/feed-fetcher';
import { FeedFetchError } from '../../lib/feeds/errors';
import { conditionalFeed, type FeedServer, rssFeed, startFeedServer } from '../support/feed-server';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server?.close();
});

const FEED = rssFeed('Harbour Gazette', ['Pier repairs begin', 'Ferry fares frozen']);
const fetcher = makeHttpFeedFetcher({ timeoutMs: 1_000, maxBytes: 64 * 1024, maxRedirects: 5 });

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedFetchError);
  return (error as Error).message;
}

describe('the HTTP feed fetcher', () => {
  it('returns the body with its validators, and not-modified once it sends them back', async () => {
    server.route('/harbour.xml', conditionalFeed(FEED, '"v1"', 'Tue, 01 Dec 2026 06:00:00 GMT'));
    const first = await fetcher.fetch(server.url('/harbour.xml'), {});
    expect(first).toEqual({
      status: 'ok',
      body: FEED,
      etag: '"v1"',
      lastModified: 'Tue, 01 Dec 2026 06:00:00 GMT',
    });
    const again = await fetcher.fetch(server.url('/harbour.xml'), { etag: '"v1"' });
    expect(again).toEqual({ status: 'not-modified' });
    const sent = server.requestsTo('/harbour.xml').at(-1)?.headers;
    expect(sent?.['if-none-match']).toBe('"v1"');
    const byDate = await fetcher.fetch(server.url('/harbour.xml'), {
      lastModified: 'Tue, 01 Dec 2026 06:00:00 GMT',
    });
    expect(byDate).toEqual({ status: 'not-modified' });
  });

  it('reads a gzipped body, and decodes the charset the Content-Type names', async () => {
    server.route('/gzip.xml', (res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/xml' });
      res.end(gzipSync(FEED));
    });
    expect(await fetcher.fetch(server.url('/gzip.xml'), {})).toMatchObject({ status: 'ok', body: FEED });
    server.route('/latin1.xml', (res) => {
      res.writeHead(200, { 'content-type': 'text/xml; charset=iso-8859-1' });
      res.end(Buffer.from('<rss>Caf\xe9</rss>', 'latin1'));
    });
    expect(await fetcher.fetch(server.url('/latin1.xml'), {})).toMatchObject({ body: '<rss>Café</rss>' });
  });

  it('follows up to 5 redirects, relative ones too, and gives up on the sixth', async () => {
    server.route('/final.xml', (res) => res.writeHead(200).end(FEED));
    for (let i = 1; i <= 6; i++) {
      server.route(`/hop${i}`, (res) =>
        res.writeHead(i % 2 ? 301 : 307, { location: i === 1 ? '/final.xml' : `/hop${i - 1}` }).end(),
      );
    }
    expect(await fetcher.fetch(server.url('/hop5'), {})).toMatchObject({ status: 'ok', body: FEED });
    expect(await failure(fetcher.fetch(server.url('/hop6'), {}))).toBe(
      'The feed redirected more than 5 times.',
    );
  });

  it('refuses a redirect to another scheme, and fails on an HTTP error or no answer', async () => {
    server.route('/to-file', (res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    expect(await failure(fetcher.fetch(server.url('/to-file'), {}))).toMatch(/file: URL; only http\(s\)/);
    server.route('/broken.xml', (res) => res.writeHead(503).end('down for maintenance'));
    expect(await failure(fetcher.fetch(server.url('/broken.xml'), {}))).toBe('The feed answered HTTP 503.');
    expect(await failure(fetcher.fetch(server.url('/missing.xml'), {}))).toBe('The feed answered HTTP 404.');
    const closed = await startFeedServer();
    const url = closed.url('/gone.xml');
    await closed.close();
    expect(await failure(fetcher.fetch(url, {}))).toMatch(/could not be fetched: ECONNREFUSED/);
  });

  it('gives up on a body past the limit, declared or streamed, and on one that decompresses past it', async () => {
    server.route('/declared-large', (res) => {
      res.writeHead(200, { 'content-length': String(5 * 1024 * 1024) });
      res.write('<rss>');
    });
    server.route('/streamed-large', (res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      for (let i = 0; i < 320; i++) res.write(chunk);
      res.end();
    });
    server.route('/bomb', (res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(gzipSync(Buffer.alloc(10 * 1024 * 1024, ' ')));
    });
    for (const path of ['/declared-large', '/streamed-large', '/bomb']) {
      expect(await failure(fetcher.fetch(server.url(path), {})), path).toBe(
        'The feed is larger than 65,536 bytes; it was not read.',
      );
    }
  });

  it('gives up on a body that never ends, within its timeout', async () => {
    server.route('/endless', (res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<rss><channel>');
      const drip = setInterval(() => res.write('<item>'), 50);
      res.on('close', () => clearInterval(drip));
    });
    // The body drips for ever: only the fetcher's own timeout can end the fetch, and its message says so.
    expect(await failure(fetcher.fetch(server.url('/endless'), {}))).toBe(
      'The feed did not answer in full within 1 seconds.',
    );
  });
});

describe('the fetcher on AWS, allowing only public addresses', () => {
  // 127.0.0.1 stands in for a public address here; the rest of 127/8 (also this machine) for private ones.
  const allowAddress = (address: string) => address === '127.0.0.1';

  it('refuses a literal address the policy refuses, before connecting', async () => {
    const guarded = makeHttpFeedFetcher({
      timeoutMs: 1_000,
      maxBytes: 65_536,
      maxRedirects: 5,
      allowAddress,
    });
    server.route('/ok.xml', (res) => res.writeHead(200).end(FEED));
    expect(await guarded.fetch(server.url('/ok.xml'), {})).toMatchObject({ status: 'ok' });
    const before = server.seen.length;
    const message = await failure(guarded.fetch(`http://127.0.0.2:${server.port}/ok.xml`, {}));
    expect(message).toBe(
      "The feed's address is 127.0.0.2, which is not a public address; feeds are fetched from public hosts only.",
    );
    expect(server.seen.length).toBe(before);
  });

  it('checks every redirect hop', async () => {
    const guarded = makeHttpFeedFetcher({
      timeoutMs: 1_000,
      maxBytes: 65_536,
      maxRedirects: 5,
      allowAddress,
    });
    server.route('/inward', (res) =>
      res.writeHead(302, { location: `http://127.0.0.2:${server.port}/ok.xml` }).end(),
    );
    expect(await failure(guarded.fetch(server.url('/inward'), {}))).toMatch(
      /127\.0\.0\.2, which is not a public/,
    );
  });

  it('connects to the address its own lookup checked, so a host cannot resolve differently at connect time', async () => {
    // A host whose DNS answers the allowed address once (as at registration) and a private one after.
    let answers = 0;
    const rebinding: Lookup = (_host, _options, callback) => {
      answers++;
      callback(null, [{ address: answers === 1 ? '127.0.0.1' : '127.0.0.2', family: 4 }]);
    };
    const guarded = makeHttpFeedFetcher({
      timeoutMs: 1_000,
      maxBytes: 65_536,
      maxRedirects: 5,
      allowAddress,
      lookup: rebinding,
    });
    server.route('/named.xml', (res) => res.writeHead(200).end(FEED));
    const url = `http://feeds.harbour.example:${server.port}/named.xml`;
    expect(await guarded.fetch(url, {})).toMatchObject({ status: 'ok', body: FEED });
    expect(server.requestsTo('/named.xml').at(-1)?.headers.host).toBe(`feeds.harbour.example:${server.port}`);
    expect(await failure(guarded.fetch(url, {}))).toBe(
      'The feed host feeds.harbour.example resolves to an address that is 127.0.0.2, which is not a public address; feeds are fetched from public hosts only.',
    );
    expect(server.requestsTo('/named.xml')).toHaveLength(1);
  });

  it('refuses a host with any refused address among its answers', async () => {
    const mixed: Lookup = (_host, _options, callback) =>
      callback(null, [
        { address: '127.0.0.1', family: 4 },
        { address: '127.0.0.3', family: 4 },
      ]);
    const guarded = makeHttpFeedFetcher({
      timeoutMs: 1_000,
      maxBytes: 65_536,
      maxRedirects: 5,
      allowAddress,
      lookup: mixed,
    });
    expect(await failure(guarded.fetch(`http://mixed.example:${server.port}/ok.xml`, {}))).toMatch(
      /127\.0\.0\.3/,
    );
  });
});
