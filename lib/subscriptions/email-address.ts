import { domainToASCII } from 'node:url';
import { ValidationError } from '../errors';

// Deliberately simpler than RFC 5322: one @, a dotted domain, no spaces or angle brackets. Addresses
// that pass here but bounce are handled by SES feedback, not by a cleverer regex.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/u;

/**
 * Control (NUL, U+0085), format (U+200B zero-width space, U+202E and the other bidi controls, U+00AD soft
 * hyphen), line and paragraph separators, private-use and unassigned code points: invisible or
 * reordering characters that would make one address look like another, or reach SES as raw bytes.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;

const invalid = (reason: string) => new ValidationError('invalid_email', reason);

/**
 * The one form of an address Tidings stores, keys and mails: trimmed, NFC, lower case, and the domain
 * in its ASCII (IDNA) form, so `Ann@Bücher.de`, `ann@BÜCHER.DE` and `ann@xn--bcher-kva.de` are one
 * subscriber. Local parts are case-sensitive in theory; every real provider treats them as not, and
 * uniqueness must not let one person hold two subscriptions by changing case.
 */
export function normaliseEmail(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') throw invalid('An email address is required.');
  const trimmed = input.trim();
  const hidden = INVISIBLE.exec(trimmed)?.[0];
  if (hidden !== undefined) {
    const codePoint = `U+${(hidden.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw invalid(
      `The email address contains an invisible or control character (${codePoint}); type it again.`,
    );
  }
  const email = trimmed.normalize('NFC');
  const at = email.lastIndexOf('@');
  if (email.length > 254 || at < 1) throw invalid(`"${email.slice(0, 80)}" is not a valid email address.`);
  const local = email.slice(0, at).toLowerCase();
  // A domain has an ASCII form (IDNA); a local part has none, and mailing one needs SMTPUTF8, which
  // Amazon SES does not offer: refused here, with the reason, rather than failing at every send.
  const beyondAscii = [...local].find((char) => char.charCodeAt(0) > 0x7f);
  if (beyondAscii !== undefined) {
    throw invalid(
      `The part before the @ contains "${beyondAscii}": addresses with letters beyond ASCII there cannot be mailed through our provider; use another address.`,
    );
  }
  // domainToASCII applies the IDNA mapping (full-width letters, case) and answers '' for a domain that
  // cannot be one; one trailing dot (the DNS root) is the same domain.
  const domain = domainToASCII(email.slice(at + 1).replace(/\.$/, '')).toLowerCase();
  const normalised = `${local}@${domain}`;
  if (domain === '' || normalised.length > 254 || !EMAIL.test(normalised)) {
    throw invalid(`"${email.slice(0, 80)}" is not a valid email address.`);
  }
  return normalised;
}
