import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { ValidationError } from '../errors';
import { assertNothingLost } from './lost-characters';

/** How far into an HTML page a `<meta charset>` counts, as in the HTML standard's prescan. */
const PRESCAN_BYTES = 1024;
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const CHARSET_PARAM = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
// Both `<meta charset="…">` and `<meta http-equiv="Content-Type" content="text/html; charset=…">`.
const META_CHARSET = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)/i;
const XML_ENCODING = /^\s*<\?xml\b[^?>]*\bencoding\s*=\s*["']([\w.:-]+)["']/;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
/**
 * windows-1252's characters for bytes 0x80–0x9F (undefined ones keep their C1 code point, as the Encoding
 * standard says). Node 20's TextDecoder labels itself windows-1252 but decodes ISO-8859-1, so “curly quotes”
 * would come out as C1 controls; mapping them afterwards is right both there and where Node is fixed.
 */
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/**
 * A request body's bytes as text, in the charset it declares: Content-Type's `charset`, else for HTML a
 * `<meta charset>` in the first 1,024 bytes, else for XML its `<?xml encoding?>`, else UTF-8. A UTF-8 byte
 * order mark wins over them all, as in browsers, and is dropped. Decoding is strict (`fatal`): a byte the
 * charset has no character for is refused with its offset, never turned into U+FFFD and stored as mojibake.
 * Bytes with a NUL in them are not text in any charset Tidings reads (UTF-16 aside): a file sent by mistake.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | undefined): string {
  const hasBom = UTF8_BOM.every((byte, i) => bytes[i] === byte);
  const declared = hasBom ? undefined : declaredCharset(bytes, contentType);
  const decoder = decoderFor(declared ?? 'utf-8');
  if (!decoder.encoding.startsWith('utf-16') && bytes.includes(0)) {
    throw new ValidationError(
      'binary_body',
      `The body is binary, not text (a NUL byte at offset ${bytes.indexOf(0)}); send the article as text.`,
    );
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
    if (decoder.encoding === 'windows-1252') {
      text = text.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1.charAt(c.charCodeAt(0) - 0x80));
    }
  } catch {
    throw invalidEncoding(bytes, decoder.encoding, declared !== undefined);
  }
  assertNothingLost(text);
  return text;
}

/** The charset the body declares, lowercased, or undefined when it declares none. */
export function declaredCharset(bytes: Uint8Array, contentType: string | undefined): string | undefined {
  const param = CHARSET_PARAM.exec(contentType ?? '')?.[1];
  if (param) return param.toLowerCase();
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  // Latin-1 maps each byte to one character, so the declarations (ASCII) read the same in any charset.
  const head = Buffer.from(bytes.subarray(0, PRESCAN_BYTES)).toString('latin1');
  if (HTML_TYPES.has(type)) {
    const meta = META_CHARSET.exec(head)?.[1];
    if (meta) return meta.toLowerCase();
  }
  if (type.endsWith('xml') || type.endsWith('+xml')) return XML_ENCODING.exec(head)?.[1]?.toLowerCase();
  return undefined;
}

function decoderFor(charset: string): TextDecoder {
  try {
    return new TextDecoder(charset, { fatal: true });
  } catch {
    throw new ValidationError(
      'unsupported_charset',
      `The body declares charset "${charset.slice(0, 40)}", which Tidings cannot decode; send UTF-8, or a charset such as windows-1252, iso-8859-15, shift_jis or gb18030.`,
    );
  }
}

function invalidEncoding(bytes: Uint8Array, encoding: string, declared: boolean): ValidationError {
  const at = firstUndecodable(bytes, encoding);
  const byte = `0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;
  const hint =
    encoding === 'utf-8' && !declared
      ? ' If the text is in another encoding, declare it, e.g. "Content-Type: text/plain; charset=windows-1252" (for a page, <meta charset>; for a feed, <?xml encoding?>).'
      : ' Check that the declared charset is the one the text was saved in.';
  return new ValidationError(
    'invalid_encoding',
    `The body is not valid ${encoding}: byte ${byte} at offset ${at} cannot be read.${hint}`,
  );
}

/**
 * The offset of the first byte that cannot be decoded. For UTF-8 the sequence's first byte; for other
 * charsets, found by halving: a streaming decoder refuses a prefix only once it holds the bad byte.
 */
function firstUndecodable(bytes: Uint8Array, encoding: string): number {
  if (encoding === 'utf-8') return firstInvalidUtf8(bytes);
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      good = mid;
    } catch {
      bad = mid;
    }
  }
  return bad - 1;
}

/** Where the first ill-formed UTF-8 sequence starts (RFC 3629: no overlongs, surrogates or past U+10FFFF). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return bytes.length;
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] as number;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || at + length > bytes.length || !isUtf8(bytes.subarray(at, at + length))) return at;
    at += length;
  }
  return bytes.length;
}
