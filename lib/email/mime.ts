import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { ValidationError } from '../errors';

export interface RawMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Extra headers, written exactly as given (e.g. List-Unsubscribe); printable ASCII only. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly date?: Date;
}

// Headers written here; a caller's copy would make the message carry two.
const composedHeaders = new Set([
  'from',
  'to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

// RFC 5322: a field name is printable ASCII without ':', and no line may exceed 998 characters.
const fieldName = /^[!-9;-~]+$/;
const fieldValue = /^[ -~]*$/;
const maxLineLength = 998;
/** RFC 2047: an encoded word is at most 75 characters; `=?UTF-8?B?` and `?=` take 12 of them. */
const encodedWordBytes = 45;
const lineBreaks = /\r\n|\r|\n/g;
const controls = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;
const invalid = (reason: string) => new ValidationError('invalid_message', reason);

/**
 * Builds the RFC 5322 message for SES SendRawEmail: multipart/alternative with the text part first (clients
 * show the last part they can render), UTF-8 bodies (7bit when they are plain ASCII, else base64), an
 * RFC 2047 encoded subject and display name, IDN domains in their ASCII form, and CRLF line ends.
 *
 * Written by hand rather than with nodemailer's MailComposer: composing is string work, and MailComposer's
 * stream pipeline cost five times the render of the email itself, for every recipient.
 */
export async function buildRawMessage(message: RawMessage): Promise<Buffer> {
  return composeRawMessage(message);
}

/** `buildRawMessage` without the promise, for callers (the render bench) that compose in a loop. */
export function composeRawMessage(message: RawMessage): Buffer {
  const fromAddress = mailbox(message.from, 'From');
  const domain = /@([^@>]+)>?$/.exec(fromAddress)?.[1] ?? 'localhost';
  const boundary = `=_tidings_${randomUUID()}`;
  const head = [
    `From: ${fromAddress}`,
    `To: ${mailbox(message.to, 'To')}`,
    `Subject: ${subjectValue(message.subject)}`,
    `Date: ${rfc5322Date(message.date ?? new Date())}`,
    `Message-ID: ${messageIdValue(message.messageId, domain)}`,
    'MIME-Version: 1.0',
    ...customHeaders(message.headers ?? {}),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    '',
  ].join('\r\n');
  // Every line written here is ASCII (headers are checked or encoded, bodies 7bit or base64), so latin1
  // turns the message into bytes with a copy rather than a second UTF-8 encoding of 40 KB.
  return Buffer.from(
    `${head}${part('text/plain; charset=utf-8', message.text)}\r\n--${boundary}\r\n` +
      `${part('text/html; charset=utf-8', message.html)}\r\n--${boundary}--\r\n`,
    'latin1',
  );
}

function part(contentType: string, body: string): string {
  // Rendered bodies hold bare LFs only (templates use LF, values lose CR): the cheap conversion does.
  const canonical = body.includes('\r') ? body.replace(lineBreaks, '\r\n') : body.replaceAll('\n', '\r\n');
  // As many UTF-8 bytes as UTF-16 units means every character is ASCII; controls never reach a body.
  if (Buffer.byteLength(canonical, 'utf8') === canonical.length && longestLine(canonical) <= maxLineLength) {
    return `Content-Type: ${contentType}\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${canonical}`;
  }
  const base64 = Buffer.from(canonical, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < base64.length; at += 76) lines.push(base64.slice(at, at + 76));
  return `Content-Type: ${contentType}\r\nContent-Transfer-Encoding: base64\r\n\r\n${lines.join('\r\n')}`;
}

// A scan by indexOf: a regex like /[^\r\n]{999}/ retries at every offset and cost more than the render.
function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (let end = text.indexOf('\r\n'); end >= 0; end = text.indexOf('\r\n', start)) {
    longest = Math.max(longest, end - start);
    start = end + 2;
  }
  return Math.max(longest, text.length - start);
}

/**
 * `Name <local@domain>` or a bare address, written for a header: the domain in ASCII (IDNA), a non-ASCII
 * name as encoded words. A non-ASCII local part would need SMTPUTF8, which SES does not offer, so it is
 * refused here rather than sent garbled.
 */
function mailbox(value: string, header: string): string {
  const angled = /^(.*)<([^<>]+)>\s*$/s.exec(value);
  const name = (angled?.[1] ?? '')
    .replace(controls, ' ')
    .trim()
    .replace(/^"(.*)"$/s, '$1');
  const address = (angled?.[2] ?? value).trim();
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = domainToASCII(address.slice(at + 1));
  if (at < 1 || domain === '' || !/^[!#-'*+\-/-9=?A-Z^-~.]+$/.test(local)) {
    throw invalid(
      `The ${header} address ${JSON.stringify(address)} cannot be written in a header: SES needs an ASCII local part.`,
    );
  }
  const spec = `${local}@${domain.toLowerCase()}`;
  if (!name) return spec;
  return `${displayName(name)} <${spec}>`;
}

function displayName(name: string): string {
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name)) return name;
  if (/^[ -~]+$/.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}"`;
  return encodedWords(name);
}

/** The subject on one logical line: control characters, CR and LF included, become spaces before encoding. */
function subjectValue(subject: string): string {
  const text = subject.replace(controls, ' ').replace(/ {2,}/g, ' ').trim();
  if (/^[ -~]*$/.test(text) && text.length <= 78 - 'Subject: '.length) return text;
  return encodedWords(text);
}

/** RFC 2047 B-encoded words of at most 75 characters, never splitting a character, folded one per line. */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  const flush = () => {
    words.push(`=?UTF-8?B?${Buffer.concat(chunk).toString('base64')}?=`);
    chunk = [];
    size = 0;
  };
  for (const char of text) {
    const bytes = Buffer.from(char, 'utf8');
    if (size + bytes.length > encodedWordBytes) flush();
    chunk.push(bytes);
    size += bytes.length;
  }
  if (size > 0 || words.length === 0) flush();
  return words.join('\r\n ');
}

function messageIdValue(messageId: string | undefined, domain: string): string {
  const value = messageId ?? `<${randomUUID()}@${domain}>`;
  if (!/^<[!-;=?-~]+@[!-;=?-~]+>$/.test(value)) {
    throw invalid(`Message-ID must look like <id@domain>, got ${JSON.stringify(value)}.`);
  }
  return value;
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Fri, 27 Nov 2026 14:05:00 +0000`. */
function rfc5322Date(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${weekdays[date.getUTCDay()]}, ${two(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/**
 * Custom headers are written verbatim and unfolded (some receivers' one-click unsubscribe handling reads
 * `List-Unsubscribe` naively), so each is checked here: a CR or LF in a value would start a new header.
 */
function customHeaders(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers).map(([name, value]) => {
    if (!fieldName.test(name) || composedHeaders.has(name.toLowerCase())) {
      throw new ValidationError('invalid_header', `"${name}" cannot be set as a custom email header.`);
    }
    if (!fieldValue.test(value) || name.length + 2 + value.length > maxLineLength) {
      throw new ValidationError(
        'invalid_header',
        `The ${name} header must be printable ASCII on one line of at most ${maxLineLength} characters.`,
      );
    }
    return `${name}: ${value}`;
  });
}
