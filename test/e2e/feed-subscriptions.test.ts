import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feed } from '../../lib/feeds/feed';
import type { PollSummary } from '../../lib/use-cases/poll-feeds';
import { conditionalFeed, type FeedServer, rssFeed, startFeedServer } from '../support/feed-server';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let publisher: FeedServer;

beforeAll(async () => {
  stack = await startTestStack();
  publisher = await startFeedServer();
});

afterAll(async () => {
  await publisher?.close();
  await stack?.close();
});

async function call(method: 'GET' | 'POST', path: string, body?: object, key = stack.ingestKey) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      ...(key && { authorization: `Bearer ${key}` }),
      ...(body && { 'content-type': 'application/json' }),
    },
    ...(body && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const register = (body: object) => call('POST', '/feeds', body);
const poll = () => stack.invoke('poll', {}) as Promise<PollSummary>;

async function listed(id: string): Promise<Feed> {
  const { body } = await call('GET', '/feeds');
  const feed = (body.feeds as Feed[]).find((f) => f.id === id);
  if (!feed) throw new Error(`Feed ${id} is not listed.`);
  return feed;
}

async function articleTitles(): Promise<string[]> {
  await stack.whenIdle();
  return (await stack.items())
    .filter((item) => String(item.pk).startsWith('ARTICLE#'))
    .map((item) => String(item.title))
    .sort();
}

describe('feed subscriptions through the local stack', () => {
  it('asks for the ingest key on every feed route', async () => {
    for (const [method, path] of [
      ['POST', '/feeds'],
      ['GET', '/feeds'],
      ['POST', `/feeds/${'0'.repeat(24)}/resume`],
    ] as const) {
      const { status, body } = await call(method, path, method === 'POST' ? {} : undefined, 'wrong-key');
      expect(status, `${method} ${path}`).toBe(401);
      expect(body).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('refuses a bad registration with a code saying what is wrong', async () => {
    const cases = [
      [{ url: 'gopher://kiln.example/feed' }, 'invalid_feed_url'],
      [{ url: 'https://kiln.example/feed', sourceName: 'K'.repeat(201) }, 'invalid_source_name'],
      [{ url: 'https://kiln.example/feed', timezone: 'Atlantis/Capital' }, 'invalid_timezone'],
    ] as const;
    for (const [body, code] of cases) {
      const answer = await register(body);
      expect(answer.status, code).toBe(400);
      expect(answer.body).toMatchObject({ error: { code } });
    }
    expect((await call('GET', '/feeds')).body.feeds).toEqual([]);
  });

  it('registers, polls, gets a 304, pauses after 5 failures, skips the paused feed and polls it again once resumed', async () => {
    const FEED = rssFeed('Lantern Post', ['Harbour lights relit', 'Night market returns']);
    publisher.route('/lantern.xml', conditionalFeed(FEED, '"lantern-1"', 'Wed, 02 Dec 2026 18:00:00 GMT'));

    const created = await register({
      url: `${publisher.url('/lantern.xml')}?utm_source=newsletter`,
      sourceName: 'Lantern Post online',
      timezone: 'Europe/Lisbon',
    });
    expect(created.status).toBe(201);
    const feed = created.body.feed as Feed;
    expect(feed).toMatchObject({
      url: publisher.url('/lantern.xml'),
      status: 'active',
      timezone: 'Europe/Lisbon',
      consecutiveFailures: 0,
    });
    expect(feed.id).toMatch(/^[0-9a-f]{24}$/);
    const again = await register({ url: publisher.url('/lantern.xml') });
    expect(again).toEqual({ status: 200, body: { feed } });

    expect(await poll()).toMatchObject({ feeds: 1, updated: 1, storedItems: 2 });
    expect(await articleTitles()).toEqual(['Harbour lights relit', 'Night market returns']);
    expect(await listed(feed.id)).toMatchObject({ itemsStored: 2, consecutiveFailures: 0 });

    expect(await poll()).toMatchObject({ notModified: 1, storedItems: 0 });
    const second = publisher.requestsTo('/lantern.xml').at(-1);
    expect(second?.headers['if-none-match']).toBe('"lantern-1"');
    expect(second?.headers['if-modified-since']).toBe('Wed, 02 Dec 2026 18:00:00 GMT');
    expect(await articleTitles()).toHaveLength(2);

    publisher.route('/lantern.xml', (res) => res.writeHead(500).end('the press is down'));
    for (let run = 1; run <= 5; run++) await poll();
    const paused = await listed(feed.id);
    expect(paused).toMatchObject({
      status: 'paused',
      consecutiveFailures: 5,
      lastError: 'The feed answered HTTP 500.',
      itemsStored: 2,
    });
    expect(paused.lastPolledAt).toBeDefined();
    const requests = publisher.requestsTo('/lantern.xml').length;
    expect(await poll()).toMatchObject({ feeds: 0 });
    expect(publisher.requestsTo('/lantern.xml')).toHaveLength(requests);

    const resumed = await call('POST', `/feeds/${feed.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.feed).toMatchObject({ id: feed.id, status: 'active', consecutiveFailures: 0 });
    publisher.route(
      '/lantern.xml',
      conditionalFeed(
        rssFeed('Lantern Post', ['Harbour lights relit', 'Night market returns', 'Tide tables printed']),
        '"lantern-2"',
        'Thu, 03 Dec 2026 06:00:00 GMT',
      ),
    );
    expect(await poll()).toMatchObject({ updated: 1, storedItems: 1 });
    expect(publisher.requestsTo('/lantern.xml')).toHaveLength(requests + 1);
    expect(await listed(feed.id)).toMatchObject({ status: 'active', consecutiveFailures: 0, itemsStored: 3 });
  });

  it('answers 404 to resuming a feed that does not exist, whatever the id looks like', async () => {
    for (const id of ['f'.repeat(24), 'no-such-feed', '%2e%2e']) {
      const answer = await call('POST', `/feeds/${id}/resume`);
      expect(answer.status, id).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('fails a feed that never ends its body or sends 5 MB, each with a clear error, and still polls the others', async () => {
    publisher.route('/endless.xml', (res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Endless</title>');
      const drip = setInterval(() => res.write('<item><title>More</title>'), 200);
      res.on('close', () => clearInterval(drip));
    });
    publisher.route('/huge.xml', (res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = `<item><title>Filler</title><description>${'x'.repeat(64 * 1024)}</description></item>`;
      for (let sent = 0; sent < 5 * 1024 * 1024; sent += chunk.length) res.write(chunk);
      res.end('</channel></rss>');
    });
    publisher.route('/kiln.xml', (res) =>
      res.writeHead(200, { 'content-type': 'text/xml' }).end(rssFeed('Kiln Courier', ['Pottery fair opens'])),
    );
    const ids: Record<string, string> = {};
    for (const name of ['endless', 'huge', 'kiln']) {
      const answer = await register({ url: publisher.url(`/${name}.xml`) });
      expect(answer.status).toBe(201);
      ids[name] = (answer.body.feed as Feed).id;
    }
    const summary = await poll();
    expect(summary).toMatchObject({ failed: 2 });
    expect(await articleTitles()).toContain('Pottery fair opens');
    expect(await listed(ids.kiln as string)).toMatchObject({ itemsStored: 1, consecutiveFailures: 0 });
    expect(await listed(ids.endless as string)).toMatchObject({
      consecutiveFailures: 1,
      lastError: 'The feed did not answer in full within 10 seconds.',
    });
    expect(await listed(ids.huge as string)).toMatchObject({
      consecutiveFailures: 1,
      lastError: 'The feed is larger than 1,048,576 bytes; it was not read.',
    });
  });

  it("stores the page a teaser item links to, its paragraphs without the page's navigation or scripts, and fetches it once", async () => {
    const page = `<!doctype html><html lang="en"><head><meta charset="windows-1252"><title>Kiln Weekly</title>
      <script>window.trackVisit("kiln-tracker-token")</script></head><body>
      <nav><a href="/">Home</a> <a href="/pottery">Pottery sections menu</a></nav>
      <article><h1>Glaze studio reopens</h1>
      <p>The glaze studio on Mill Lane opens its doors again on Saturday after a winter of repairs to the old brick kiln, which had cracked in the autumn frost.</p>
      <p>Volunteers relined the firing chamber by hand, and the caf\xe9 beside the studio will serve tea to visitors who bring their own mugs to be fired.</p>
      <p>Evening classes start the week after, with places for twelve beginners at a time and a longer course for those who want to throw larger pieces.</p>
      </article><footer>Kiln Weekly, printed on Thursdays</footer></body></html>`;
    publisher.route('/glaze.html', (res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(Buffer.from(page, 'latin1'));
    });
    const link = publisher.url('/glaze.html');
    const feedXml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kiln Weekly</title><language>en</language><item><title>Glaze studio reopens</title><link>${link}</link><description>The glaze studio reopens on Saturday.</description><pubDate>Mon, 08 Mar 2027 09:00:00 GMT</pubDate></item></channel></rss>`;
    publisher.route('/glaze-feed.xml', (res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(feedXml);
    });
    expect((await register({ url: publisher.url('/glaze-feed.xml') })).status).toBe(201);

    expect(await poll()).toMatchObject({ storedItems: 1 });
    await stack.whenIdle();
    const stored = (await stack.items()).find(
      (item) => String(item.pk).startsWith('ARTICLE#') && item.title === 'Glaze studio reopens',
    );
    expect(stored?.url).toBe(link);
    const paragraphs = stored?.paragraphs as string[];
    expect(paragraphs.some((p) => p.startsWith('The glaze studio on Mill Lane opens its doors again'))).toBe(
      true,
    );
    expect(paragraphs.some((p) => p.includes('the café beside the studio'))).toBe(true);
    expect(paragraphs.some((p) => p.startsWith('Evening classes start the week after'))).toBe(true);
    const all = paragraphs.join('\n');
    expect(all).not.toContain('Pottery sections menu');
    expect(all).not.toContain('kiln-tracker-token');
    expect(all).not.toContain('The glaze studio reopens on Saturday.');
    expect(publisher.requestsTo('/glaze.html')).toHaveLength(1);

    // Polled again, the stored item's page is not fetched again.
    await poll();
    expect(publisher.requestsTo('/glaze.html')).toHaveLength(1);
  });
});
