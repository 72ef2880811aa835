import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack';

interface Result {
  id?: string;
  item?: number;
  status: 'stored' | 'duplicate' | 'rejected';
  error?: { code: string; message: string };
}

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

function post(body: string, contentType: string) {
  return fetch(`${stack.apiUrl}/articles`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.ingestKey}`, 'content-type': contentType },
    body,
  });
}

async function storedArticles() {
  // What a stored article sets off (matching) finishes first, so counts are stable.
  await stack.whenIdle();
  return (await stack.items()).filter((item) => String(item.pk).startsWith('ARTICLE#'));
}

async function expectRefused(body: string, contentType: string, status: number, code: string) {
  const before = (await storedArticles()).length;
  const response = await post(body, contentType);
  expect(response.status).toBe(status);
  const answer = (await response.json()) as { error: { code: string; message: string } };
  expect(answer.error.code).toBe(code);
  expect((await storedArticles()).length).toBe(before);
  return { message: answer.error.message };
}

// An invented feed from an invented paper; the second item's date cannot be read.
const item = (title: string, body: string, extra = '') =>
  `<item><title>${title}</title><link>https://valley.example/${encodeURIComponent(title)}</link>${extra}<description>${body}</description></item>`;
const rss = (items: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Valley Courier</title><language>en</language>${items}</channel></rss>`;
const FEED = rss(
  [
    item(
      'Orchard frost',
      '&lt;p&gt;Growers in the upper valley lit smudge pots overnight.&lt;/p&gt;&lt;script&gt;fetch("//evil.example")&lt;/script&gt;',
      '<pubDate>Tue, 01 Dec 2026 06:00:00 GMT</pubDate>',
    ),
    item('Broken date', 'The mill reopened on Monday.', '<pubDate>the day after tomorrow</pubDate>'),
    item(
      'Bridge tolls',
      '<![CDATA[<p>The county <b>scrapped</b> tolls on the old bridge.</p><style>*{display:none}</style>]]>',
    ),
  ].join(''),
);

describe('POST /articles with an RSS feed', () => {
  it('stores each readable item once, reports the broken one, and stores nothing new when re-posted', async () => {
    const first = await post(FEED, 'application/rss+xml; charset=utf-8');
    expect(first.status).toBe(201);
    const { articles } = (await first.json()) as { articles: Result[] };
    expect(articles.map((r) => r.status)).toEqual(['stored', 'rejected', 'stored']);
    expect(articles[1]).toEqual({
      item: 2,
      status: 'rejected',
      error: {
        code: 'invalid_article',
        message: expect.stringMatching(/^Item 2: .*the day after tomorrow.*RFC 822/),
      },
    });

    const stored = await storedArticles();
    expect(stored.map((a) => a.title).sort()).toEqual(['Bridge tolls', 'Orchard frost']);
    const frost = stored.find((a) => a.title === 'Orchard frost');
    expect(frost).toMatchObject({
      url: 'https://valley.example/Orchard%20frost',
      publishedAt: '2026-12-01T06:00:00.000Z',
      source: 'Valley Courier',
      lang: 'en',
      paragraphs: ['Growers in the upper valley lit smudge pots overnight.'],
    });
    expect(JSON.stringify(stored)).not.toMatch(/evil|fetch|script|display|<|>/);

    const again = await post(FEED, 'text/xml');
    expect(again.status).toBe(200);
    const repeated = (await again.json()) as { articles: Result[] };
    expect(repeated.articles.map((r) => r.status)).toEqual(['duplicate', 'rejected', 'duplicate']);
    expect(repeated.articles[0]?.id).toBe(articles[0]?.id);
    expect(await storedArticles()).toHaveLength(2);
  });

  it('rejects an item whose link is not http(s), stores the rest, and keeps links free of tracking', async () => {
    const feed = rss(
      [
        '<item><title>Dam sluices</title><link>javascript:alert(document.cookie)</link><description>The sluices were opened at dawn.</description></item>',
        '<item><title>Ferry timetable</title><link>https://valley.example/ferry?utm_source=rss&amp;utm_medium=feed&amp;day=2#top</link><description>The winter ferry timetable starts on Monday.</description></item>',
      ].join(''),
    );
    const response = await post(feed, 'application/rss+xml');
    expect(response.status).toBe(201);
    const { articles } = (await response.json()) as { articles: Result[] };
    expect(articles.map((r) => r.status)).toEqual(['rejected', 'stored']);
    expect(articles[0]?.error?.message).toMatch(/http\(s\) URL/);
    const stored = await storedArticles();
    expect(stored.find((a) => a.title === 'Ferry timetable')?.url).toBe('https://valley.example/ferry?day=2');
    expect(JSON.stringify(stored)).not.toContain('javascript');
  });

  it('reads an Atom feed sent as application/xml by its root element', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>Ridge Post</title>
      <entry><title>Ridge road closed</title><link href="https://ridge.example/road"/>
      <updated>2026-12-01T07:00:00Z</updated><summary type="html">&lt;p&gt;Rockfall shut the ridge road.&lt;/p&gt;</summary></entry></feed>`;
    const response = await post(atom, 'application/xml');
    expect(response.status).toBe(201);
    const stored = (await storedArticles()).find((a) => a.title === 'Ridge road closed');
    expect(stored).toMatchObject({ source: 'Ridge Post', paragraphs: ['Rockfall shut the ridge road.'] });
  });

  it('stores a feed of 100 items filling almost all of the 1 MiB body, and refuses 101 items or one byte too many', async () => {
    const long = (n: number) =>
      `Report ${n}: ${'the harvest fair drew record crowds to the valley showground '.repeat(200)}`.slice(
        0,
        10_350,
      );
    const hundred = rss(Array.from({ length: 100 }, (_, n) => item(`Fair ${n}`, long(n))).join(''));
    expect(Buffer.byteLength(hundred)).toBeGreaterThan(1_040_000);
    expect(Buffer.byteLength(hundred)).toBeLessThanOrEqual(1024 * 1024);
    const response = await post(hundred, 'application/rss+xml');
    expect(response.status).toBe(201);
    const { articles } = (await response.json()) as { articles: Result[] };
    expect(articles.filter((r) => r.status === 'stored')).toHaveLength(100);

    const over = rss(Array.from({ length: 101 }, (_, n) => item(`Extra ${n}`, `Extra story ${n}.`)).join(''));
    const refused = await expectRefused(over, 'application/rss+xml', 400, 'too_many_articles');
    expect(refused.message).toBe('Send at most 100 feed items in one request; this one has 101.');

    const padded = `${hundred}${' '.repeat(1024 * 1024 - Buffer.byteLength(hundred) + 1)}`;
    await expectRefused(padded, 'application/rss+xml', 413, 'payload_too_large');
  });

  it('refuses entity-expansion payloads at once and writes nothing', async () => {
    const entities = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
    ).join('');
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${entities}]>${rss(item('Laughs', '&lol9;'))}`;
    // Refused on sight of the DOCTYPE, so nothing is expanded (that would outlast the test's timeout).
    await expectRefused(laughs, 'application/rss+xml', 400, 'doctype_not_accepted');

    const xxe = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>${rss(item('Secrets', '&x;'))}`;
    const external = await expectRefused(xxe, 'application/rss+xml', 400, 'doctype_not_accepted');
    expect(external.message).not.toMatch(/root:/);
  });

  it('refuses malformed XML, another kind of document and a feed with no storable item, writing nothing', async () => {
    expect(
      (await expectRefused(rss(item('Cut', 'Cut off')).slice(0, -20), 'text/xml', 400, 'invalid_xml'))
        .message,
    ).toMatch(/not well-formed XML: .*\(line 1, column \d+\)/);
    await expectRefused('<html><body>Not a feed</body></html>', 'application/xml', 400, 'unsupported_feed');
    const allBroken = rss(
      item('No date', 'Text.', '<pubDate>never</pubDate>') + item('No link', 'Text.', ''),
    );
    const none = await expectRefused(
      allBroken.replace('https://valley.example/No%20link', 'ftp://valley.example/x'),
      'application/rss+xml',
      400,
      'no_valid_items',
    );
    expect(none.message).toMatch(/^None of the feed's 2 items can be stored\. Item 1: .* Item 2: .*"ftp:"/);
  });
});

describe('POST /articles with {"articles": [...]}', () => {
  it('stores the list and refuses 101 articles', async () => {
    const response = await post(
      JSON.stringify({ articles: [{ title: 'Envelope', text: 'The ferry timetable changes on Sunday.' }] }),
      'application/json',
    );
    expect(response.status).toBe(201);
    const over = JSON.stringify({
      articles: Array.from({ length: 101 }, (_, n) => ({ text: `Story ${n}.` })),
    });
    await expectRefused(over, 'application/json', 400, 'too_many_articles');
  });
});
