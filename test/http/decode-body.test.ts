import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import { decodeBody } from '../../lib/http/decode-body';
import { bodyBytes, bodyText } from '../../lib/http/request';

// Invented text: "Le café “Au Port” rouvre" in windows-1252, where é is 0xE9 and the curly quotes 0x93/0x94.
const CP1252 = Buffer.concat([
  Buffer.from('Le caf', 'latin1'),
  Buffer.from([0xe9, 0x20, 0x93]),
  Buffer.from('Au Port', 'latin1'),
  Buffer.from([0x94]),
  Buffer.from(' rouvre.', 'latin1'),
]);
const DECODED = 'Le café “Au Port” rouvre.';

function refusal(bytes: Uint8Array, contentType?: string): [string, string] {
  try {
    decodeBody(bytes, contentType);
  } catch (error) {
    if (error instanceof ValidationError) return [error.code, error.message];
    throw error;
  }
  throw new Error('the body was decoded');
}

describe('decodeBody', () => {
  it('reads the charset Content-Type declares', () => {
    expect(decodeBody(CP1252, 'text/plain; charset=windows-1252')).toBe(DECODED);
    expect(decodeBody(CP1252, 'text/plain;charset="Windows-1252"')).toBe(DECODED);
    const koi8 = Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]);
    expect(decodeBody(koi8, 'text/plain; charset=koi8-r')).toBe('Привет');
    const sjis = Buffer.from([0x93, 0x8c, 0x8b, 0x9e]);
    expect(decodeBody(sjis, 'text/plain; charset=shift_jis')).toBe('東京');
    expect(decodeBody(Buffer.from([0xa4]), 'text/plain; charset=iso-8859-15')).toBe('€');
  });

  it('takes an HTML page’s <meta charset> or http-equiv from its first 1,024 bytes, and only then', () => {
    const page = (head: string) =>
      Buffer.concat([Buffer.from(`<html><head>${head}</head><body>`), CP1252, Buffer.from('</body></html>')]);
    expect(decodeBody(page('<meta charset="iso-8859-1">'), 'text/html')).toContain(DECODED);
    expect(
      decodeBody(
        page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'),
        'text/html',
      ),
    ).toContain(DECODED);
    // The header's charset wins over the page's own.
    expect(decodeBody(page('<meta charset="shift_jis">'), 'text/html; charset=windows-1252')).toContain(
      DECODED,
    );
    const late = page(`<!-- ${'x'.repeat(1024)} --><meta charset="windows-1252">`);
    expect(refusal(late, 'text/html')[0]).toBe('invalid_encoding');
  });

  it('takes a feed’s <?xml encoding?> declaration', () => {
    const feed = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss>'),
      CP1252,
      Buffer.from('</rss>'),
    ]);
    expect(decodeBody(feed, 'application/rss+xml')).toContain(DECODED);
    expect(decodeBody(feed, 'text/xml')).toContain(DECODED);
  });

  it('strips a UTF-8 byte-order mark, which wins over a declared charset', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Café.')]);
    expect(decodeBody(withBom, undefined)).toBe('Café.');
    expect(decodeBody(withBom, 'text/plain; charset=windows-1252')).toBe('Café.');
  });

  it('refuses bytes that are not UTF-8 when nothing else is declared, naming the offset and a charset', () => {
    expect(refusal(CP1252, 'text/plain')).toEqual([
      'invalid_encoding',
      expect.stringMatching(
        /^The body is not valid utf-8: byte 0xE9 at offset 6 cannot be read\. .*charset=windows-1252/,
      ),
    ]);
    expect(refusal(Buffer.from([0x61, 0xe2, 0x82]), 'application/json')[1]).toMatch(/byte 0xE2 at offset 1/);
    // An overlong encoding of "/" and a UTF-16 surrogate written as UTF-8 are refused too.
    expect(refusal(Buffer.from([0x61, 0x62, 0xc0, 0xaf]), undefined)[1]).toMatch(/0xC0 at offset 2/);
    expect(refusal(Buffer.from([0xed, 0xa0, 0x80]), undefined)[1]).toMatch(/0xED at offset 0/);
  });

  it('refuses a byte the declared charset has no character for, naming where', () => {
    const [code, message] = refusal(Buffer.from([0x41, 0x42, 0x80, 0x43]), 'text/plain; charset=shift_jis');
    expect(code).toBe('invalid_encoding');
    expect(message).toMatch(/not valid shift_jis: byte 0x80 at offset 2.*declared charset/);
  });

  it('refuses a charset it does not know, naming it', () => {
    expect(refusal(Buffer.from('x'), 'text/plain; charset=klingon-8')).toEqual([
      'unsupported_charset',
      expect.stringContaining('"klingon-8"'),
    ]);
    expect(refusal(Buffer.from('<meta charset="x-unknown">'), 'text/html')[1]).toMatch(/"x-unknown"/);
  });

  it('refuses a binary body and text that already lost characters', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    expect(refusal(png, 'text/html')).toEqual(['binary_body', expect.stringMatching(/NUL byte at offset 8/)]);
    expect(refusal(Buffer.from('caf\uFFFD'), 'text/plain')).toEqual([
      'invalid_encoding',
      expect.stringMatching(/U\+FFFD.*character 3/),
    ]);
    expect(decodeBody(Buffer.from('h\0i', 'utf16le'), 'text/plain; charset=utf-16le')).toBe('h\0i');
  });
});

describe('a body through bodyBytes and decodeBody, as ingest reads it', () => {
  const read = (e: APIGatewayProxyEventV2) => decodeBody(bodyBytes(e), e.headers['Content-Type']);
  const event = (body: string, isBase64Encoded: boolean, contentType: string) =>
    ({
      headers: { 'Content-Type': contentType },
      body,
      isBase64Encoded,
    }) as unknown as APIGatewayProxyEventV2;

  it('decodes a base64 body (API Gateway’s form for bytes that are not UTF-8) in its declared charset', () => {
    expect(read(event(CP1252.toString('base64'), true, 'text/plain; charset=windows-1252'))).toBe(DECODED);
  });

  it('reads a string body as the bytes it was sent as, so its charset still applies', () => {
    // UTF-8 bytes that windows-1252 reads as "Ã©": the sender declared windows-1252, so that is the text.
    expect(read(event('Ã©', false, 'text/plain'))).toBe('Ã©');
    expect(
      read(event(Buffer.from([0xc3, 0xa9]).toString('utf8'), false, 'text/plain; charset=windows-1252')),
    ).toBe('Ã©');
  });

  it('refuses a string body in which a gateway already replaced what it could not decode', () => {
    expect(() => read(event('caf\uFFFD', false, 'text/plain; charset=windows-1252'))).toThrow(/U\+FFFD/);
  });
});

describe('bodyText, for forms and JSON from Tidings’ own pages', () => {
  it('reads UTF-8 and refuses anything else rather than store U+FFFD', () => {
    const event = (body: Buffer) =>
      ({
        headers: {},
        body: body.toString('base64'),
        isBase64Encoded: true,
      }) as unknown as APIGatewayProxyEventV2;
    expect(bodyText(event(Buffer.from('topics=café')))).toBe('topics=café');
    expect(() => bodyText(event(CP1252))).toThrow(/not valid UTF-8/);
  });
});
