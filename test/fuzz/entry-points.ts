import fc from 'fast-check';
import { apiRoutes } from '../../lib/http/routes';
import type { FuzzRequest } from './harness';
import {
  anyJson,
  deepJson,
  formEncode,
  gzipBomb,
  hostileComponent,
  hostileField,
  hostileText,
  hugeBody,
  nasty,
  randomBytes,
} from './inputs';
import { type ForgedToken, forgedToken } from './tokens';

/** What the generators need from the running stack: the ingest key and the tokens it will take. */
export interface FuzzContext {
  readonly ingestKey: string;
  /** Tokens for the fuzz subscribers, valid and forged, by purpose. */
  readonly token: (forged: ForgedToken) => string;
}

export type EntryPoint = (context: FuzzContext) => fc.Arbitrary<FuzzRequest>;

const json = (value: unknown) => JSON.stringify(value);

function post(
  target: string,
  type: string,
  body: Buffer | string,
  label: string,
  extra: [string, string][] = [],
) {
  return { method: 'POST', target, headers: [['Content-Type', type], ...extra] as const, body, label };
}

const authed = (context: FuzzContext): [string, string] => ['Authorization', `Bearer ${context.ingestKey}`];
const asBrowser: [string, string] = ['Accept', 'text/html'];

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

const FREQUENCY = fc.oneof(fc.constantFrom('instant', 'daily', 'weekly'), hostileField);
const topic = fc.oneof(
  hostileText,
  fc.record({ query: hostileField, frequency: FREQUENCY }, { requiredKeys: [] }),
  hostileField,
);
const email = fc.oneof(
  nasty.map((n) => (n.includes('@') ? n : `fuzz+${n}@example.com`)),
  fc.emailAddress(),
  hostileField,
);

export const subscribe: EntryPoint = () =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record(
          {
            email,
            topics: fc.oneof(fc.array(topic, { maxLength: 30 }), hostileField),
            frequency: FREQUENCY,
            timezone: hostileField,
            digestHour: hostileField,
            digestWeekday: hostileField,
          },
          { requiredKeys: ['email'] },
        )
        .map((fields) => post('/subscriptions', 'application/json', json(fields), 'hostile JSON fields')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(email, fc.array(hostileText, { maxLength: 5 }), hostileText)
        .map(([address, topics, zone]) =>
          post(
            '/subscriptions',
            'application/x-www-form-urlencoded',
            formEncode({ email: String(address), topics, frequency: 'daily', timezone: zone }),
            'hostile form fields',
            [asBrowser],
          ),
        ),
    },
    // A valid request but for the text of its topics: what gets stored, mailed and shown.
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.nat(), fc.array(hostileText, { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([n, topics, quoted]) =>
          post(
            '/subscriptions',
            'application/json',
            json({
              email: `fuzz-${n}@example.com`,
              topics: ['Iran', ...topics.map((t) => (quoted ? `"${t.replace(/"/g, '')}"` : t))],
              frequency: 'instant',
            }),
            'storable hostile topics',
          ),
        ),
    },
    deepJson.map((text) => post('/subscriptions', 'application/json', text, 'deeply nested JSON')),
    randomBytes.map((bytes) =>
      post('/subscriptions', 'application/x-www-form-urlencoded', bytes, 'random bytes'),
    ),
    hugeBody.map((body) => post('/subscriptions', 'application/json', body, `body of ${body.length} bytes`)),
  );

const TOKEN_PATHS = [
  '/confirm',
  '/unsubscribe',
  '/preferences',
  '/mute',
  '/confirmed',
  '/unsubscribed',
  '/preferences/export',
  '/preferences/erase',
];

/** The token routes with forged, replayed and malformed tokens, by GET and POST, as page and as JSON. */
export const tokenRoutes: EntryPoint = (context) =>
  fc
    .tuple(
      fc.constantFrom(...TOKEN_PATHS),
      fc.constantFrom('GET', 'POST', 'HEAD'),
      forgedToken,
      fc.boolean(),
      fc.constantFrom(
        '',
        'List-Unsubscribe=One-Click',
        'confirm=yes',
        'action=revoke',
        'action=pause&days=3',
      ),
      fc.constantFrom('escaped', 'raw', 'twice', 'in body'),
    )
    .map(([path, method, forged, browser, form, placing]) => {
      // These posts may revoke, pause or unsubscribe: only the victim's real links are used, so the
      // keeper's stay good for the preference form.
      const token = context.token(forged.kind === 'valid' ? { ...forged, kind: 'victim' } : forged);
      const escaped = encodeURIComponent(token.replace(/[\ud800-\udfff]/g, '?'));
      const query =
        placing === 'escaped'
          ? `?token=${escaped}`
          : placing === 'raw'
            ? `?token=${token.replace(/[\s#]/g, '')}`
            : placing === 'twice'
              ? `?token=${escaped}&token=${escaped}`
              : '';
      const body = placing === 'in body' ? `${form}&token=${escaped}` : form;
      return {
        method: method === 'GET' || method === 'HEAD' ? method : 'POST',
        target: Buffer.from(`${path}${query}`, 'latin1'),
        headers: [
          ...(method === 'POST'
            ? [['Content-Type', 'application/x-www-form-urlencoded'] as [string, string]]
            : []),
          ...(browser ? [asBrowser] : []),
        ],
        body: method === 'POST' ? body : undefined,
        label: `${forged.kind} token, ${placing}`,
      };
    });

/** The preference centre's form with a token that works and every field hostile. */
export const preferences: EntryPoint = (context) => fc.oneof(preferenceForm(context), storableTopic(context));

/** A new topic whose text is hostile but may be a query: what the preference centre then shows. */
const storableTopic: EntryPoint = (context) =>
  fc.tuple(hostileText, fc.boolean()).map(([text, browser]) => ({
    method: 'POST',
    target: `/preferences?token=${context.token({ kind: 'valid', purpose: 'preferences' })}`,
    headers: [['Content-Type', 'application/x-www-form-urlencoded'], ...(browser ? [asBrowser] : [])] as [
      string,
      string,
    ][],
    body: formEncode({
      action: 'topics',
      'query.new': `"${text.replace(/"/g, '')}"`,
      'frequency.new': 'daily',
    }),
    label: 'storable hostile topic',
  }));

const preferenceForm: EntryPoint = (context) =>
  fc
    .tuple(
      fc.constantFrom('topics', 'settings', 'pause', 'resume', 'revoke-not', ''),
      fc.dictionary(
        fc.oneof(
          fc.constantFrom(
            'query.new',
            'frequency.new',
            'timezone',
            'digestHour',
            'digestWeekday',
            'days',
            'action',
          ),
          fc.string({ maxLength: 8 }).map((id) => `query.${id}`),
          fc.string({ maxLength: 8 }).map((id) => `remove.${id}`),
          hostileText,
        ),
        hostileText,
        { maxKeys: 6 },
      ),
      fc.boolean(),
    )
    .map(([action, fields, browser]) => ({
      method: 'POST',
      target: `/preferences?token=${context.token({ kind: 'valid', purpose: 'preferences' })}`,
      headers: [['Content-Type', 'application/x-www-form-urlencoded'], ...(browser ? [asBrowser] : [])] as [
        string,
        string,
      ][],
      body: formEncode({ action, ...fields }),
      label: `preference form, action ${JSON.stringify(action)}`,
    }));

export const feeds: EntryPoint = (context) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record(
          {
            url: fc.oneof(
              nasty,
              fc.webUrl(),
              hostileField,
              hostileText.map((t) => `http://example.com/${t}`),
            ),
            sourceName: hostileField,
            timezone: hostileField,
          },
          { requiredKeys: [] },
        )
        .map((fields) =>
          post('/feeds', 'application/json', json(fields), 'hostile feed registration', [authed(context)]),
        ),
    },
    hostileComponent.map((id) => ({
      method: 'POST',
      target: `/feeds/${id.replace(/\//g, '%2F') || 'x'}/resume`,
      headers: [authed(context)],
      label: 'hostile feed id',
    })),
    fc.constant({ method: 'GET', target: '/feeds', headers: [authed(context)], label: 'list' }),
    hostileText.map((key) => ({
      method: 'GET',
      target: '/feeds',
      headers: [['Authorization', `Bearer ${key.replace(/[\r\n]/g, '')}`] as [string, string]],
      label: 'hostile key',
    })),
    deepJson.map((text) => post('/feeds', 'application/json', text, 'deeply nested JSON', [authed(context)])),
    hugeBody.map((body) =>
      post('/feeds', 'application/json', body, `body of ${body.length} bytes`, [authed(context)]),
    ),
  );

/** The public pages: article ids, archive days, preview topics, all hostile, over 2 KB included. */
export const pages: EntryPoint = () =>
  fc.oneof(
    fc
      .oneof(
        hostileComponent,
        fc.integer({ min: 2000, max: 9000 }).map((n) => 'a'.repeat(n)),
        fc.integer({ min: 65, max: 5000 }).map((n) => 'f'.repeat(n)),
        fc.constantFrom('..', '.', '%2e%2e', '..%2f..%2fetc%2fpasswd', 'ABCDEF', '0'),
      )
      .map((id) => ({
        method: 'GET',
        target: `/articles/${id.replace(/\//g, '%2F') || 'x'}`,
        label: 'article id',
      })),
    hostileComponent.map((day) => ({ method: 'GET', target: `/archive?day=${day}`, label: 'archive day' })),
    fc.tuple(hostileComponent, fc.boolean()).map(([topic, browser]) => ({
      method: 'GET',
      target: `/preview?topic=${topic}`,
      headers: browser ? [asBrowser] : [],
      label: 'preview topic',
    })),
    fc
      .tuple(
        fc.constantFrom('/', '/check-inbox', '/erased', '/health', '/favicon.ico', '/archive', '/preview'),
        hostileComponent,
      )
      .map(([path, value]) => ({
        method: 'GET',
        target: `${path}?${value}=${value}`,
        headers: [asBrowser],
        label: 'hostile query',
      })),
  );

const routePaths = [...new Set(apiRoutes().map((r) => r.path.replace('{id}', 'abc123')))];

/**
 * What only a raw socket can send: malformed escapes and raw bytes in the target, odd, missing, huge and
 * repeated Host headers, duplicate headers, lying lengths, chunked bodies past the limit, odd methods.
 */
export const transport: EntryPoint = (context) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom(...routePaths), hostileComponent, fc.constantFrom('GET', 'POST', 'HEAD'))
      .map(([path, bad, method]) => ({ method, target: `${path}/${bad}`, label: 'hostile path segment' })),
    fc
      .tuple(fc.constantFrom(...routePaths), fc.uint8Array({ minLength: 1, maxLength: 20 }))
      .map(([path, bytes]) => ({
        method: 'GET',
        target: Buffer.concat([
          Buffer.from(`${path}?q=`),
          Buffer.from(bytes.filter((b) => b > 0x20 && b !== 0x7f)),
        ]),
        label: 'raw bytes in the query',
      })),
    fc
      .tuple(fc.constantFrom(...routePaths), fc.uint8Array({ minLength: 1, maxLength: 20 }))
      .map(([path, bytes]) => ({
        method: 'GET',
        target: Buffer.concat([Buffer.from(path), Buffer.from(bytes.filter((b) => b >= 0x80))]),
        label: 'raw bytes in the path',
      })),
    fc
      .tuple(
        fc.constantFrom(...routePaths),
        fc.oneof(
          fc.constantFrom(
            '',
            ' ',
            'a b',
            'x/y',
            'x@y',
            '[::1',
            '[::1]:99999',
            'localhost:-1',
            'localhost:abc',
            '%',
            '..',
            'a'.repeat(300),
            'é.example',
            '\u0000',
            'localhost:3000, evil.example',
          ),
          hostileText.map((t) => t.replace(/[\r\n]/g, '').replaceAll(String.fromCharCode(0), '')),
          fc.integer({ min: 1000, max: 60_000 }).map((n) => 'h'.repeat(n)),
        ),
      )
      .map(([path, host]) => ({
        method: 'GET',
        target: path,
        headers: [['Host', host]] as [string, string][],
        label: 'odd Host',
      })),
    fc
      .constantFrom(...routePaths)
      .map((path) => ({ method: 'GET', target: path, noHost: true, label: 'no Host' })),
    fc.constantFrom(...routePaths).map((path) => ({
      method: 'GET',
      target: path,
      headers: [
        ['Host', 'a.example'],
        ['Host', 'b.example'],
      ] as [string, string][],
      label: 'two Host headers',
    })),
    fc
      .tuple(
        fc.constantFrom('Content-Type', 'Authorization', 'Accept', 'Content-Length', 'Cookie', 'Origin'),
        fc.constantFrom(...routePaths),
      )
      .map(([name, path]) => ({
        method: 'POST',
        target: path,
        headers: [
          [name, 'application/json'],
          [name, `text/html, Bearer ${context.ingestKey}`],
          authed(context),
        ] as [string, string][],
        body: '{"email":"dup@example.com","topics":["Iran"],"text":"Iran and Iraq."}',
        rawFraming: name === 'Content-Length',
        label: `duplicate ${name}`,
      })),
    fc
      .tuple(
        fc.constantFrom(...routePaths),
        fc.constantFrom('lots', '-1', '1e3', '99999999999999999999', '0x10', '5, 6'),
      )
      .map(([path, length]) => ({
        method: 'POST',
        target: path,
        headers: [
          ['Content-Length', length],
          ['Content-Type', 'application/json'],
        ] as [string, string][],
        body: '{}',
        label: `Content-Length ${length}`,
      })),
    fc
      .tuple(
        fc.constantFrom('/articles', '/subscriptions', '/feeds', '/preferences'),
        fc.constantFrom(1, 1024 * 1024 + 1, 3 * 1024 * 1024),
      )
      .map(([path, size]) => ({
        method: 'POST',
        target: path,
        headers: [['Transfer-Encoding', 'chunked'], ['Content-Type', 'text/plain'], authed(context)] as [
          string,
          string,
        ][],
        body: chunkedBody(size),
        rawFraming: true,
        label: `chunked body of ${size} bytes`,
      })),
    fc
      .tuple(
        fc.constantFrom(...routePaths),
        fc.constantFrom('PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT', 'FOO', 'get', 'PROPFIND'),
      )
      .map(([path, method]) => ({ method, target: path, label: `method ${method}` })),
    fc.tuple(fc.constantFrom(...routePaths), fc.integer({ min: 8000, max: 90_000 })).map(([path, size]) => ({
      method: 'GET',
      target: path,
      headers: [['X-Big', 'v'.repeat(size)]] as [string, string][],
      label: 'huge header',
    })),
    fc
      .constantFrom(
        '*',
        'http://localhost/',
        'http://evil.example/articles',
        'example.com:80',
        '//evil.example/x',
        '/?',
        '/#frag',
        '/%00',
        '/\\..\\',
      )
      .map((target) => ({ method: 'GET', target, label: 'odd request target' })),
  );

function chunkedBody(size: number): Buffer {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const frames: Buffer[] = [];
  for (let left = size; left > 0; left -= chunk.length) {
    const piece = chunk.subarray(0, Math.min(left, chunk.length));
    frames.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  frames.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(frames);
}
