import fc from 'fast-check';
import {
  anyJson,
  deepJson,
  gzipBomb,
  hostileField,
  hostileText,
  hugeBody,
  nasty,
  randomBytes,
} from '../inputs';
import { authed, type EntryPoint, json, post } from './request-parts';

/** Wire copy shaped as publishers send it, every part of it hostile. */
const wireCopy = fc
  .tuple(hostileText, hostileText, hostileText, fc.constantFrom('', 'Published: Fri 20 Nov 2026, 9:15 AM\n'))
  .map(([caption, headline, body, dates]) => `${caption}\n${dates}\n${headline}\n\n${body} Iran and Iraq.\n`);

const TEXT_TYPES = [
  'text/plain',
  'text/plain; charset=windows-1252',
  'text/plain; charset=x-no-such',
  'text/plain; charset=utf-16le',
];

export const ingestText: EntryPoint = (context) =>
  fc.oneof(
    fc
      .tuple(wireCopy, fc.constantFrom(...TEXT_TYPES))
      .map(([text, type]) => post('/articles', type, text, 'wire copy', [authed(context)])),
    randomBytes.map((bytes) => post('/articles', 'text/plain', bytes, 'random bytes', [authed(context)])),
    hugeBody.map((body) =>
      post('/articles', 'text/plain', body, `body of ${body.length} bytes`, [authed(context)]),
    ),
    hostileText.map((text) => post('/articles', 'text/plain', text, 'hostile text', [authed(context)])),
    // The key itself hostile: forged, huge, with CRLF.
    hostileText.map((key) =>
      post('/articles', 'text/plain', 'Iran and Iraq agreed.', 'hostile key', [
        ['Authorization', `Bearer ${key.replace(/[\r\n]/g, '')}`],
      ]),
    ),
  );

const jsonArticle = fc.record(
  {
    title: hostileField,
    url: fc.oneof(hostileField, fc.constant('https://example.com/a')),
    text: fc.oneof(
      hostileText.map((t) => `${t} Iran and Iraq agreed on water.`),
      hostileField,
    ),
    publishedAt: hostileField,
    timezone: hostileField,
    source: hostileField,
    lang: hostileField,
    updatedAt: hostileField,
    id: hostileField,
  },
  { requiredKeys: [] },
);

export const ingestJson: EntryPoint = (context) => {
  const send = (body: string | Buffer, label: string) =>
    post('/articles', 'application/json', body, label, [authed(context)]);
  return fc.oneof(
    { weight: 5, arbitrary: jsonArticle.map((a) => send(json(a), 'article with hostile fields')) },
    // Every field of the right type, its text hostile: what gets stored and shown.
    {
      weight: 4,
      arbitrary: fc
        .tuple(hostileText, hostileText, hostileText)
        .map(([title, text, source]) =>
          send(
            json({ title, text: `${text} Iran and Iraq agreed on water.`, source }),
            'storable hostile text',
          ),
        ),
    },
    fc
      .array(jsonArticle, { minLength: 0, maxLength: 120 })
      .map((list) => send(json(list), 'list of articles')),
    jsonArticle.map((a) => send(json({ articles: [a, a] }), '{"articles":[…]}')),
    deepJson.map((text) => send(text, 'deeply nested JSON')),
    anyJson.map((value) => send(json(value), 'any JSON value')),
    randomBytes.map((bytes) => send(bytes, 'random bytes')),
    hugeBody.map((body) => send(body, `body of ${body.length} bytes`)),
    nasty.map((text) => send(text, 'not JSON')),
    fc.constant(
      send('{"title":"a","title":"b","text":"Iran and Iraq.","__proto__":{"x":1}}', 'duplicate keys'),
    ),
  );
};

const xmlText = hostileText.map((t) =>
  // Half of them escaped as a careful feed would, half raw as a broken one does.
  t.length % 2 ? t.replace(/&/g, '&amp;').replace(/</g, '&lt;') : t,
);

const rssItem = fc
  .tuple(xmlText, xmlText, xmlText, xmlText, fc.constantFrom('<![CDATA[', ''))
  .map(
    ([title, link, description, date, cdata]) =>
      `<item><title>${title}</title><link>${link}</link><description>${cdata}${description} Iran and Iraq.${cdata ? ']]>' : ''}</description><pubDate>${date}</pubDate></item>`,
  );

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><description>&lol9; Iran</description></item></channel></rss>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>x</title><item><title>&xxe;</title><description>&xxe; Iran and Iraq.</description></item></channel></rss>`;
const XXE_PARAM = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]><rss version="2.0"><channel><item><title>t</title><description>Iran</description></item></channel></rss>`;
const QUADRATIC = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${'a'.repeat(50_000)}">]><rss version="2.0"><channel><item><title>${'&a;'.repeat(2000)}</title><description>Iran</description></item></channel></rss>`;

/** XML's own escapes, and no character XML 1.0 forbids (controls, lone surrogates, U+FFFE/U+FFFF). */
const escapeXml = (text: string) =>
  text
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/xml', 'text/xml'];

export const ingestFeed: EntryPoint = (context) => {
  const send = (type: string, body: string | Buffer, label: string) =>
    post('/articles', type, body, label, [authed(context)]);
  const type = fc.constantFrom(...FEED_TYPES);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(type, fc.array(rssItem, { maxLength: 5 }), xmlText)
        .map(([t, items, title]) =>
          send(
            t,
            `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title>${items.join('')}</channel></rss>`,
            'RSS with hostile items',
          ),
        ),
    },
    fc
      .tuple(type, xmlText, xmlText, xmlText)
      .map(([t, title, link, summary]) =>
        send(
          t,
          `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title><entry><title type="html">${title}</title><link href="${link}"/><id>${link}</id><updated>2026-12-01T10:00:00Z</updated><summary type="xhtml">${summary} Iran and Iraq.</summary></entry></feed>`,
          'Atom with hostile entries',
        ),
      ),
    // Well-formed, its hostile text escaped as XML requires: items that get stored and shown.
    {
      weight: 2,
      arbitrary: fc
        .tuple(type, hostileText, hostileText)
        .map(([t, title, text]) =>
          send(
            t,
            `<?xml version="1.0"?><rss version="2.0"><channel><title>${escapeXml(title)}</title><item><title>${escapeXml(title)}</title><link>https://example.com/${encodeURIComponent(title.replace(/[\ud800-\udfff]/g, ''))}</link><description>${escapeXml(text)} Iran and Iraq agreed on water.</description></item></channel></rss>`,
            'storable hostile item',
          ),
        ),
    },
    fc
      .tuple(type, fc.constantFrom(BILLION_LAUGHS, XXE, XXE_PARAM, QUADRATIC))
      .map(([t, body]) => send(t, body, 'entity expansion')),
    fc
      .tuple(type, fc.integer({ min: 100, max: 50_000 }))
      .map(([t, depth]) =>
        send(
          t,
          `<rss version="2.0"><channel>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</channel></rss>`,
          'deeply nested XML',
        ),
      ),
    fc
      .tuple(type, fc.integer({ min: 101, max: 3000 }))
      .map(([t, n]) =>
        send(
          t,
          `<rss version="2.0"><channel>${'<item><title>t</title><description>Iran</description></item>'.repeat(n)}</channel></rss>`,
          'too many items',
        ),
      ),
    fc.tuple(type, randomBytes).map(([t, bytes]) => send(t, bytes, 'random bytes')),
    fc.tuple(type, nasty).map(([t, text]) => send(t, text, 'not XML')),
    fc
      .tuple(type, fc.constantFrom('utf-16', 'ebcdic', 'x-bogus', 'utf-8"?><x', 'windows-1252'))
      .map(([t, enc]) =>
        send(
          t,
          `<?xml version="1.0" encoding="${enc}"?><rss version="2.0"><channel><item><title>é</title><description>Iran</description></item></channel></rss>`,
          'odd declared encoding',
        ),
      ),
  );
};

const htmlPage = fc
  .tuple(hostileText, hostileText, hostileText, hostileText)
  .map(
    ([title, body, canonical, meta]) =>
      `<!doctype html><html lang="${meta}"><head><title>${title}</title><link rel="canonical" href="${canonical}"><meta property="og:title" content="${meta}"><meta property="article:published_time" content="${meta}"><script>alert('fuzzXSS')</script></head><body onload="alert('fuzzXSS')"><article><h1>${title}</h1><p onclick="alert('fuzzXSS')">${body} Iran and Iraq agreed on water after three days of talks in Basra, officials said.</p><p>${body}</p><img src=x onerror="alert('fuzzXSS')"><iframe src="javascript:alert('fuzzXSS')"></iframe><a href="javascript:alert('fuzzXSS')">more</a></article></body></html>`,
  );

export const ingestHtml: EntryPoint = (context) => {
  const send = (type: string, body: string | Buffer, label: string) =>
    post('/articles', type, body, label, [authed(context)]);
  const type = fc.constantFrom('text/html', 'application/xhtml+xml', 'text/html; charset=shift_jis');
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(type, htmlPage).map(([t, page]) => send(t, page, 'page with scripts and handlers')),
    },
    fc
      .tuple(type, fc.integer({ min: 100, max: 100_000 }))
      .map(([t, depth]) =>
        send(
          t,
          `<html><body>${'<div>'.repeat(depth)}Iran and Iraq${'</div>'.repeat(depth)}</body></html>`,
          'deeply nested HTML',
        ),
      ),
    fc.tuple(type, randomBytes).map(([t, bytes]) => send(t, bytes, 'random bytes')),
    fc.tuple(type, hostileText).map(([t, text]) => send(t, text, 'hostile text as a page')),
  );
};

/** Bodies whose framing or encoding lies: compressed, bombs, types that name something else. */
export const ingestEncodings: EntryPoint = (context) =>
  fc.oneof(
    fc
      .tuple(gzipBomb, fc.constantFrom('text/plain', 'application/json', 'application/rss+xml', 'text/html'))
      .map(([body, type]) =>
        post('/articles', type, body, `gzip bomb of ${body.length} bytes`, [
          authed(context),
          ['Content-Encoding', 'gzip'],
        ]),
      ),
    fc
      .tuple(randomBytes, fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip', 'identity'))
      .map(([body, encoding]) =>
        post('/articles', 'text/plain', body, `Content-Encoding ${encoding}`, [
          authed(context),
          ['Content-Encoding', encoding],
        ]),
      ),
    fc
      .tuple(
        hostileText,
        fc.constantFrom(
          'application/octet-stream',
          'multipart/form-data; boundary=x',
          '',
          'text/',
          '*/*',
          'application/json; charset=utf-7',
          'text/plain; charset="',
          'application/x-www-form-urlencoded',
        ),
      )
      .map(([text, type]) =>
        post('/articles', type, text, `Content-Type ${JSON.stringify(type)}`, [authed(context)]),
      ),
  );
