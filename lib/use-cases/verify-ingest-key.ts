import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors';

/**
 * The publisher's key check, in constant time so the key cannot be guessed byte by byte. `given` is the
 * Bearer token alone (undefined when the request sent none, or no Bearer one); a missing or empty key,
 * given or configured, never matches.
 */
export function makeVerifyIngestKey(expectedKey: string) {
  const expected = Buffer.from(expectedKey);
  return function verifyIngestKey(given: string | undefined): void {
    const actual = Buffer.from(given ?? '');
    if (actual.length === 0 || actual.length !== expected.length || !timingSafeEqual(actual, expected))
      throw new UnauthorizedError();
  };
}
