import { createHmac } from 'node:crypto';
import { ConfigError } from '../errors';
import { normaliseEmail } from './email-address';

/**
 * Addresses SES reported undeliverable or complaining are never mailed again, whoever subscribes them later.
 * The list keeps no addresses: each entry is keyed by an HMAC-SHA256 of the normalised address under a salt
 * of its own, so a leaked table yields no list of addresses, and a plain hash (which a dictionary of
 * addresses reverses) is not enough.
 *
 * The salt is deliberately not the token secret. Link secrets are meant to be rotatable (after a leak, say);
 * if suppression keys hung on one, rotating it would silently empty the suppression list and Tidings would
 * mail every address that bounced or complained again. The salt is never rotated, for the same reason, and
 * knowing it signs no link.
 */
export type AddressHasher = (email: string) => string;

/** HMAC keys shorter than this are guessable enough to make the hashes reversible by dictionary. */
const MIN_SALT_CHARS = 16;

export function makeAddressHasher(salt: string): AddressHasher {
  if (salt.length < MIN_SALT_CHARS) {
    throw new ConfigError(`The suppression salt must have at least ${MIN_SALT_CHARS} characters.`);
  }
  // Normalised here too, so every spelling of one address (case, Unicode form, IDNA) has one key whoever asks.
  return (email) => createHmac('sha256', salt).update(normaliseEmail(email)).digest('base64url');
}

/** Transient (and undetermined) bounces suppress an address once this many fall within the window. */
export const TRANSIENT_BOUNCE_LIMIT = 3;
export const TRANSIENT_BOUNCE_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Why an address is on the suppression list. */
export type SuppressionReason = 'permanent-bounce' | 'complaint' | 'transient-bounces' | 'erased';
