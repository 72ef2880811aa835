import { describe, expect, it } from 'vitest';
import { buildRawMessage, type RawMessage } from '../../lib/email';
import { ValidationError } from '../../lib/errors';
import { decodedBody, decodeEncodedWords, multipartParts, readEntity } from './mime-reader';

const token = `${'eyJzdWIiOiJhYmMifQ'.repeat(12)}.sig_-AZ09`;
const listUnsubscribe = `<https://tidings.example.com/unsubscribe?token=${token}>`;

const message: RawMessage = {
  from: 'Tidings <alerts@tidings.example.com>',
  to: 'reader@example.org',
  subject: 'Klima: Grüße aus Zürich — “Stürme” über den Alpen erwartet, sagt der Wetterdienst ☔',
  text: 'Plain line\nSecond line with ü and a very long sentence that goes well past seventy-six characters, to force wrapping.\n',
  html: '<!doctype html><html><body><p>Gr&uuml;&szlig;e — “hello”</p><p>ü</p></body></html>',
  headers: {
    'List-Unsubscribe': listUnsubscribe,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  messageId: '<alert-123@tidings.example.com>',
  date: new Date('2026-11-27T14:05:00Z'),
};

const raw = (await buildRawMessage(message)).toString('utf8');
const root = readEntity(raw);

describe('buildRawMessage', () => {
  it('writes List-Unsubscribe headers verbatim, each on one line', () => {
    const lines = root.rawHeaders.split('\r\n');
    expect(lines).toContain(`List-Unsubscribe: ${listUnsubscribe}`);
    expect(lines).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('uses CRLF line ends and no line over 998 characters', () => {
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('encodes the subject as RFC 2047 words that decode to the original', () => {
    const subject = root.headers.get('subject') ?? '';
    expect(subject).toMatch(/^=\?UTF-8\?/i);
    expect(subject).not.toMatch(/[^\x20-\x7e]/);
    expect(decodeEncodedWords(subject)).toBe(message.subject);
  });

  it('sets the addresses, Message-ID, Date and MIME version', () => {
    expect(root.headers.get('from')).toBe('Tidings <alerts@tidings.example.com>');
    expect(root.headers.get('to')).toBe('reader@example.org');
    expect(root.headers.get('message-id')).toBe('<alert-123@tidings.example.com>');
    expect(root.headers.get('date')).toBe('Fri, 27 Nov 2026 14:05:00 +0000');
    expect(root.headers.get('mime-version')).toBe('1.0');
  });

  it('is multipart/alternative with the UTF-8 text part first and the HTML part last', () => {
    expect(root.headers.get('content-type')).toMatch(/^multipart\/alternative;/);
    const parts = multipartParts(root);
    expect(parts.map((part) => part.headers.get('content-type'))).toEqual([
      'text/plain; charset=utf-8',
      'text/html; charset=utf-8',
    ]);
    const [text, html] = parts.map(decodedBody);
    expect(text).toBe(message.text.replace(/\n/g, '\r\n'));
    expect(html).toBe(message.html);
  });

  it('generates a Message-ID and Date when none are given', async () => {
    const { messageId: _id, date: _date, ...rest } = message;
    const headers = readEntity((await buildRawMessage(rest)).toString('utf8')).headers;
    expect(headers.get('message-id')).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
    expect(Date.parse(headers.get('date') ?? '')).not.toBeNaN();
  });

  it.each([
    ['a line break, which would inject a header', { 'X-Test': 'a\r\nBcc: victim@example.org' }],
    ['a non-ASCII value', { 'X-Test': 'Grüße' }],
    ['a header MailComposer writes itself', { Subject: 'again' }],
    ['an invalid header name', { 'X Test': 'value' }],
    ['a line longer than 998 characters', { 'X-Test': 'a'.repeat(1000) }],
  ])('refuses %s', async (_case, headers) => {
    await expect(buildRawMessage({ ...message, headers })).rejects.toThrow(ValidationError);
  });
});

describe('buildRawMessage with hostile or international input', () => {
  it('keeps a headline carrying CR LF and a Bcc header inside the subject', async () => {
    const hostile = await buildRawMessage({
      ...message,
      subject: 'Breaking\r\nBcc: x@evil.example\r\n\r\nbody',
    });
    const entity = readEntity(hostile.toString('utf8'));
    expect(entity.headers.has('bcc')).toBe(false);
    expect(decodeEncodedWords(entity.headers.get('subject') ?? '')).toBe('Breaking Bcc: x@evil.example body');
  });

  it('writes an IDN domain in punycode and encodes a non-ASCII display name', async () => {
    const { messageId: _id, ...rest } = message;
    const entity = readEntity(
      (
        await buildRawMessage({
          ...rest,
          from: 'Tidings Zürich <alerts@bücher.example>',
          to: 'ann@bücher.example',
        })
      ).toString('utf8'),
    );
    expect(entity.headers.get('to')).toBe('ann@xn--bcher-kva.example');
    expect(entity.headers.get('from')).toMatch(/^=\?UTF-8\?B\?.+\?= <alerts@xn--bcher-kva\.example>$/);
    expect(decodeEncodedWords(entity.headers.get('from') ?? '')).toBe(
      'Tidings Zürich <alerts@xn--bcher-kva.example>',
    );
    expect(entity.headers.get('message-id')).toMatch(/@xn--bcher-kva\.example>$/);
  });

  it('refuses a non-ASCII local part, which SES cannot deliver without SMTPUTF8', async () => {
    await expect(buildRawMessage({ ...message, to: 'jürgen@example.org' })).rejects.toThrow(ValidationError);
  });

  it('sends plain ASCII bodies as 7bit and keeps every line within 998 characters', async () => {
    const long = `<p>${'word '.repeat(400)}</p>`;
    const entity = readEntity(
      (await buildRawMessage({ ...message, text: 'Plain ASCII\n', html: long })).toString('utf8'),
    );
    const [text, html] = multipartParts(entity);
    expect(text?.headers.get('content-transfer-encoding')).toBe('7bit');
    expect(html?.headers.get('content-transfer-encoding')).toBe('base64');
    expect(html && decodedBody(html)).toBe(long);
  });
});
