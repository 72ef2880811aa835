import { ValidationError } from '../errors';

// Deliberately simpler than RFC 5322: one @, a dotted domain, no spaces or angle brackets. Addresses
// that pass here but bounce are handled by SES feedback, not by a cleverer regex.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/u;

export function normaliseEmail(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new ValidationError('invalid_email', 'An email address is required.');
  }
  const email = input.trim().normalize('NFC');
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new ValidationError('invalid_email', `"${email.slice(0, 80)}" is not a valid email address.`);
  }
  const at = email.lastIndexOf('@');
  // Domains are case-insensitive; local parts technically are not, but every real provider treats
  // them so, and uniqueness must not let one person hold two subscriptions by changing case.
  return `${email.slice(0, at).toLowerCase()}@${email.slice(at + 1).toLowerCase()}`;
}
