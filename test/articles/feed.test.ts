import { describe, expect, it } from 'vitest';
import { type FeedEntry, normaliseArticle } from '../../lib/articles';
import { parseFeed } from '../../lib/articles/feed';
import { ValidationError } from '../../lib/errors';

// Invented feeds: a town paper in RSS 2.0 and a regional wire in Atom.
const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Brackwater Gazette</title>
    <link>https://gazette.example/</link>
    <atom:link href="https://gazette.example/feed.xml" rel="self" type="application/rss+xml"/>
    <language>en-gb</language>
    <item>
      <title>Ferry &amp; bus strike ends after &lt;b&gt;nine&lt;/b&gt; days</title>
      <link>https://gazette.example/2026/11/ferry-strike-ends</link>
      <pubDate>Tue, 10 Nov 2026 07:30:00 +0100</pubDate>
      <description>&lt;p&gt;Crews return to the Brackwater crossing &amp;mdash; at last.&lt;/p&gt;&lt;p&gt;The caf&amp;eacute; on the quay reopens &amp;amp; hires.&lt;/p&gt;</description>
    </item>
    <item>
      <title>Harbour wall repairs start</title>
      <guid>https://gazette.example/2026/11/harbour-wall</guid>
      <pubDate>Mon, 9 Nov 2026 16:05 GMT</pubDate>
      <dc:creator>Mira Osei</dc:creator>
      <description>Short summary.</description>
      <content:encoded><![CDATA[<div><p>Engineers began work on the <em>north</em> wall.</p><style>p { color: red }</style><p>The job takes<br/>six weeks.</p></div>]]></content:encoded>
    </item>
    <item>
      <title>Council vote delayed</title>
      <link>https://gazette.example/2026/11/council</link>
      <author>desk@gazette.example (Tom Haley)</author>
      <source url="https://wire.example/rss">Lowland Wire</source>
      <description>The council postponed its vote on the bypass.</description>
    </item>
  </channel>
</rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title type="text">Nordlicht Nachrichten</title>
  <link href="https://nordlicht.example/"/>
  <link rel="self" href="https://nordlicht.example/atom.xml"/>
  <updated>2026-11-10T09:00:00Z</updated>
  <id>urn:uuid:5f1c8a2e-7d1b-4c55-9a39-0c1f3a8b2d44</id>
  <entry>
    <title type="html">Neue Brücke &lt;i&gt;eröffnet&lt;/i&gt;</title>
    <link rel="alternate" type="text/html" href="/2026/11/bruecke"/>
    <link rel="edit" href="https://nordlicht.example/api/entries/1"/>
    <id>urn:uuid:1</id>
    <published>2026-11-09T08:00:00+01:00</published>
    <updated>2026-11-10T08:00:00Z</updated>
    <author><name>Kai Brandt</name></author>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Die Brücke über die Elde ist offen &amp; befahrbar.</p><script>steal(document.cookie)</script><p>Der Verkehr fließt.</p></div></content>
  </entry>
  <entry>
    <title>Schneefall erwartet</title>
    <link href="https://nordlicht.example/2026/11/schnee"/>
    <id>urn:uuid:2</id>
    <updated>2026-11-10T06:00:00Z</updated>
    <summary>Der Wetterdienst erwartet bis zu zehn Zentimeter.</summary>
  </entry>
</feed>`;

function articles(entries: FeedEntry[]) {
  return entries.map((entry) => {
    if ('error' in entry) throw new Error(`unexpected rejection: ${entry.error.message}`);
    return entry.article;
  });
}

function refusal(xml: string): [string, string] {
  try {
    parseFeed(xml);
  } catch (error) {
    if (error instanceof ValidationError) return [error.code, error.message];
    throw error;
  }
  throw new Error('the feed was accepted');
}

const rssWith = (items: string) =>
  `<rss version="2.0"><channel><title>Test Desk</title>${items}</channel></rss>`;

describe('an RSS 2.0 feed', () => {
  it('gives one article per item with title, link, date, text and source', () => {
    const [ferry, wall, council] = articles(parseFeed(RSS));
    expect(ferry).toEqual({
      title: 'Ferry & bus strike ends after nine days',
      url: 'https://gazette.example/2026/11/ferry-strike-ends',
      publishedAt: '2026-11-10T06:30:00.000Z',
      text: 'Crews return to the Brackwater crossing — at last.\n\nThe café on the quay reopens & hires.',
      source: 'Brackwater Gazette',
      lang: 'en',
    });
    // content:encoded is the full story and wins over the description; the guid is the permalink.
    expect(wall).toMatchObject({
      url: 'https://gazette.example/2026/11/harbour-wall',
      publishedAt: '2026-11-09T16:05:00.000Z',
      source: 'Mira Osei',
    });
    expect(wall?.text).not.toContain('color');
    expect(normaliseArticle(wall as never, new Date()).paragraphs).toEqual([
      'Engineers began work on the north wall.',
      'The job takes six weeks.',
    ]);
    // The item's own <source> beats the author, whose e-mail address is never shown.
    expect(council).toMatchObject({ source: 'Lowland Wire' });
    expect(council).not.toHaveProperty('publishedAt');
  });

  it('reads a feed that starts with a byte-order mark and has Windows line ends', () => {
    const [article] = articles(parseFeed(`\uFEFF${RSS.replace(/\n/g, '\r\n')}`));
    expect(article?.title).toBe('Ferry & bus strike ends after nine days');
  });

  it('reads a feed that declares another encoding: its bytes were decoded in it before parsing', () => {
    const latin1 = `<?xml version="1.0" encoding="ISO-8859-1"?>${rssWith('<item><description>Caf\u00e9 reopens.</description></item>')}`;
    expect(articles(parseFeed(latin1))[0]?.text).toBe('Caf\u00e9 reopens.');
  });

  it('reads the RFC 822 date shapes feeds send', () => {
    const dated = (pubDate: string) =>
      articles(
        parseFeed(rssWith(`<item><description>Text.</description><pubDate>${pubDate}</pubDate></item>`)),
      )[0]?.publishedAt;
    expect(dated('Wed, 02 Oct 2002 13:00:00 GMT')).toBe('2002-10-02T13:00:00.000Z');
    expect(dated('Wed, 02 Oct 2002 08:00:00 EST')).toBe('2002-10-02T13:00:00.000Z');
    expect(dated('2 October 2002 15:00 +0200')).toBe('2002-10-02T13:00:00.000Z');
    expect(dated('Wed, 02 Oct 02 13:00:00 UT')).toBe('2002-10-02T13:00:00.000Z');
  });

  it('reports an item it cannot read and still gives the others', () => {
    const entries = parseFeed(
      rssWith(`
        <item><title>Fine</title><description>A good story.</description></item>
        <item><title>Bad date</title><pubDate>sometime next week</pubDate><description>x</description></item>
        <item><title>No text</title></item>
        <item><title>Bad link</title><link>javascript:alert(1)</link><description>y</description></item>
        <item><title>Impossible date</title><pubDate>Mon, 31 Apr 2026 10:00:00 GMT</pubDate><description>z</description></item>`),
    );
    expect(entries.map((e) => ('error' in e ? e.error.code : 'ok'))).toEqual([
      'ok',
      'invalid_article',
      'empty_article',
      'invalid_article',
      'invalid_article',
    ]);
    const messages = entries.map((e) => ('error' in e ? e.error.message : ''));
    expect(messages[1]).toMatch(/<pubDate>sometime next week<\/pubDate>.*RFC 822/);
    expect(messages[2]).toMatch(/no description, summary or content/);
    expect(messages[3]).toMatch(/"javascript:" links are not accepted/);
  });
});

describe('an Atom feed', () => {
  it('gives one article per entry, with the alternate link resolved and dates in ISO 8601', () => {
    const [bridge, snow] = articles(parseFeed(ATOM));
    expect(bridge).toEqual({
      title: 'Neue Brücke eröffnet',
      url: 'https://nordlicht.example/2026/11/bruecke',
      publishedAt: '2026-11-09T07:00:00.000Z',
      updatedAt: '2026-11-10T08:00:00.000Z',
      text: expect.stringContaining('Die Brücke über die Elde ist offen & befahrbar.'),
      source: 'Kai Brandt',
      lang: 'de',
    });
    expect(bridge?.text).not.toMatch(/steal|cookie/);
    // No <published>: the required <updated> stands in; the feed's title is the source.
    expect(snow).toEqual({
      title: 'Schneefall erwartet',
      url: 'https://nordlicht.example/2026/11/schnee',
      publishedAt: '2026-11-10T06:00:00.000Z',
      text: 'Der Wetterdienst erwartet bis zu zehn Zentimeter.',
      source: 'Nordlicht Nachrichten',
      lang: 'de',
    });
  });

  it('rejects an entry whose date is not ISO 8601, naming the element', () => {
    const [entry] = parseFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><updated>10/11/2026</updated><summary>S.</summary></entry></feed>',
    );
    expect(entry && 'error' in entry && entry.error.message).toMatch(
      /<updated>10\/11\/2026<\/updated>.*ISO 8601/,
    );
  });
});

describe('markup in a feed never reaches the text', () => {
  it.each([
    ['a script element', '<p>Before.</p><script>alert("x")</script><p>After.</p>'],
    ['an unclosed script', '<p>Before.</p><script>alert("x")'],
    ['a script closed with spaces and capitals', '<p>Before.</p><SCRIPT type="x">alert(1)</script >'],
    [
      'a style and a comment',
      '<style>body{display:none}</style><!-- <script>alert(1)</script> --><p>Before.</p>',
    ],
    ['an event handler', '<p onclick="alert(1)">Before.</p><img src=x onerror="alert(1)">'],
    ['double-escaped markup', '&lt;p&gt;Before.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a quoted ">" inside a tag', '<a title="x > y" href="/">Before.</a>'],
  ])('%s', (_name, html) => {
    const escaped = html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    for (const description of [escaped, `<![CDATA[${html}]]>`]) {
      const [article] = articles(
        parseFeed(rssWith(`<item><description>${description}</description></item>`)),
      );
      expect(article?.text).toContain('Before.');
      expect(article?.text).not.toMatch(/alert|display|onclick|onerror|<|>/);
    }
  });

  it('keeps a "<" that is text and leaves unknown or prototype entity names as written', () => {
    const [article] = articles(
      parseFeed(
        rssWith(
          '<item><description>3 &lt; 5 &amp;constructor; &amp;toString; &#x1F600; &#0;</description></item>',
        ),
      ),
    );
    expect(article?.text).toBe('3 < 5 &constructor; &toString; 😀 \uFFFD');
  });
});

describe('hostile or malformed documents are refused whole', () => {
  it('refuses a billion-laughs DTD at once, without expanding it', () => {
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      '  <!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
      ),
      ']>',
      '<rss version="2.0"><channel><title>&lol9;</title><item><description>&lol9;</description></item></channel></rss>',
    ].join('\n');
    // Refused on sight of the DOCTYPE: expanding it (a billion "lol"s) would outlast the test's timeout.
    expect(refusal(laughs)[0]).toBe('doctype_not_accepted');
  });

  it('refuses an external entity, whether or not a comment comes first', () => {
    const xxe = (prolog: string) =>
      `${prolog}<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><description>&x;</description></item></channel></rss>`;
    expect(refusal(xxe(''))).toEqual([
      'doctype_not_accepted',
      expect.stringMatching(/<!DOCTYPE>.*no DTDs or entity declarations/),
    ]);
    expect(refusal(xxe('<?xml version="1.0"?>\n<!-- generated -->\n'))[0]).toBe('doctype_not_accepted');
    expect(refusal(xxe('<!-- x --><?pi?>').replace('DOCTYPE', 'doctype'))[0]).toBe('doctype_not_accepted');
  });

  it('expands nothing a DOCTYPE inside the document declares', () => {
    const inside = rssWith(
      '<!DOCTYPE x [<!ENTITY a "expanded">]><item><description>Payload &a; here.</description></item>',
    );
    const [article] = articles(parseFeed(inside));
    expect(article?.text).toBe('Payload &a; here.');
    expect(refusal(inside.replace('DOCTYPE', 'doctype'))[0]).toBe('invalid_xml');
  });

  it('leaves an undeclared entity reference as inert text', () => {
    const [article] = articles(
      parseFeed(rssWith('<item><description>Payload &x; &lol9; here.</description></item>')),
    );
    expect(article?.text).toBe('Payload &x; &lol9; here.');
  });

  it.each([
    ['an empty body', '  ', 'empty_body', /empty/],
    ['text that is not XML', 'hello', 'invalid_xml', /not well-formed XML/],
    [
      'a truncated feed',
      `${rssWith('<item><description>Cut off')}`.slice(0, -30),
      'invalid_xml',
      /is never closed/,
    ],
    ['mismatched tags', '<rss><channel><item></channel></item></rss>', 'invalid_xml', /line 1, column/],
    [
      'a bare ampersand',
      rssWith('<item><description>A & B</description></item>'),
      'invalid_xml',
      /char '&' is not expected \(line 1, column 74\)/,
    ],
    ['a second root', `${rssWith('<item/>')}<rss/>`, 'invalid_xml', /a second root element/],
    [
      'an unquoted attribute',
      '<rss version=2.0><channel/></rss>',
      'invalid_xml',
      /Attribute 'version' is without value \(line 1, column 6\)/,
    ],
    ['a repeated attribute', '<rss a="1" a="2"><channel/></rss>', 'invalid_xml', /repeated/],
    ['an unclosed element', '<rss><channel>', 'invalid_xml', /<channel> is never closed/],
    [
      'a stray closing tag',
      '<rss></channel></rss>',
      'invalid_xml',
      /closing tag 'rss' .* instead of closing tag 'channel' \(line 1, column 6\)/,
    ],
    ['an unclosed comment', `${rssWith('<!-- x')}`, 'invalid_xml', /<channel> is never closed/],
    ['an entity declaration inside', '<rss><!ENTITY x "y"></rss>', 'invalid_xml', /declaration/],
    ['an element named __proto__', '<rss><__proto__/></rss>', 'invalid_xml', /__proto__/],
    ['another root element', '<html><body>Hi</body></html>', 'unsupported_feed', /<html>.*<rss>.*<feed>/],
    ['RSS 1.0', '<rdf:RDF xmlns:rdf="x"><item/></rdf:RDF>', 'unsupported_feed', /<rdf:RDF>/],
    ['an RSS feed without a channel', '<rss version="2.0"/>', 'invalid_feed', /<channel>/],
    ['a feed without items', rssWith(''), 'empty_feed', /no items/],
    [
      'elements nested 101 deep',
      `<rss>${'<x>'.repeat(101)}${'</x>'.repeat(101)}</rss>`,
      'feed_too_deep',
      /100/,
    ],
  ])('%s', (_name, xml, code, message) => {
    const [actualCode, actualMessage] = refusal(xml);
    expect(actualCode).toBe(code);
    expect(actualMessage).toMatch(message);
  });

  it('takes 100 items and refuses 101 before reading any', () => {
    const items = (n: number) =>
      rssWith(
        Array.from({ length: n }, (_, i) => `<item><description>Story ${i + 1}.</description></item>`).join(
          '',
        ),
      );
    expect(parseFeed(items(100))).toHaveLength(100);
    expect(refusal(items(101))).toEqual([
      'too_many_articles',
      'Send at most 100 feed items in one request; this one has 101.',
    ]);
  });

  // No timed assertion (a loaded machine fails one): a reader that is quadratic in these sizes would take
  // hours, so the test's own timeout is what catches it.
  it('reads hostile tags in linear time', { timeout: 20_000 }, () => {
    expect(refusal(`<rss a${'b'.repeat(500_000)}></rss>`)[0]).toBe('invalid_xml');
    expect(refusal(`<rss>${'&a'.repeat(200_000)}</rss>`)[0]).toBe('invalid_xml');
    expect(refusal(`<rss>${'<!--'.repeat(200_000)}</rss>`)[0]).toBe('invalid_xml');
    expect(refusal(`<rss x="${'"'.repeat(1)}${' y="1"'.repeat(100_000)}>`)[0]).toBe('invalid_xml');
  });

  it('reads a feed nested 200,000 deep and refuses it without overflowing the stack', {
    timeout: 20_000,
  }, () => {
    const deep = `<rss>${'<x>'.repeat(200_000)}${'</x>'.repeat(200_000)}</rss>`;
    expect(refusal(deep)[0]).toBe('feed_too_deep');
  });
});
