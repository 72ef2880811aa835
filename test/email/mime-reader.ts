/**
 * Just enough of RFC 5322 / 2045 / 2047 to read back what buildRawMessage writes, written independently of
 * nodemailer so the round trip checks it rather than mirrors it.
 */

export interface MimeEntity {
  /** The header block exactly as written, folding included. */
  readonly rawHeaders: string;
  /** Unfolded headers, names lower-cased. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

export function readEntity(raw: string): MimeEntity {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error('no blank line between headers and body');
  const rawHeaders = raw.slice(0, split);
  const headers = new Map<string, string>();
  // Unfolding (RFC 5322 2.2.3) removes each CRLF that is followed by whitespace.
  for (const line of rawHeaders.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { rawHeaders, headers, body: raw.slice(split + 4) };
}

export function multipartParts(entity: MimeEntity): MimeEntity[] {
  const boundary = /boundary="?([^";]+)"?/.exec(entity.headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error('multipart entity without a boundary');
  const sections = entity.body.split(`--${boundary}`);
  const closing = sections.findIndex((section) => section.startsWith('--'));
  if (closing < 0) throw new Error('multipart body without a closing boundary');
  // Between boundaries each part starts after the CRLF that ends the delimiter line and ends before the
  // CRLF that precedes the next one.
  return sections
    .slice(1, closing)
    .map((section) => readEntity(section.replace(/^\r\n/, '').replace(/\r\n$/, '')));
}

export function decodedBody(entity: MimeEntity): string {
  const encoding = (entity.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(entity.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable')
    return quotedPrintableBytes(entity.body.replace(/=\r\n/g, '')).toString('utf8');
  return entity.body;
}

/** Decodes RFC 2047 encoded words (UTF-8, Q or B); whitespace between adjacent encoded words is dropped. */
export function decodeEncodedWords(value: string): string {
  const tokens = value.split(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)/);
  let text = '';
  let pending: Buffer[] = [];
  tokens.forEach((token, index) => {
    const word = /^=\?([^?]+)\?([QqBb])\?([^?]*)\?=$/.exec(token);
    if (word) {
      if (word[1]?.toLowerCase() !== 'utf-8') throw new Error(`unexpected charset ${word[1]}`);
      const data = word[3] ?? '';
      pending.push(
        word[2]?.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : quotedPrintableBytes(data.replace(/_/g, ' ')),
      );
      return;
    }
    const betweenWords = /^\s*$/.test(token) && index > 0 && index < tokens.length - 1;
    if (betweenWords) return;
    text += Buffer.concat(pending).toString('utf8') + token;
    pending = [];
  });
  return text + Buffer.concat(pending).toString('utf8');
}

function quotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}
