import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors';

/** The publisher's Bearer key check, in constant time so the key cannot be guessed byte by byte. */
export function makeVerifyIngestKey(expectedKey: string) {
  const expected = Buffer.from(expectedKey);
  return function verifyIngestKey(given: string | undefined): void {
    const actual = Buffer.from(given ?? '');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      throw new UnauthorizedError();
  };
}
