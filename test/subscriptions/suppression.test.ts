import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../lib/errors';
import { makeAddressHasher } from '../../lib/subscriptions/suppression';

const hash = makeAddressHasher('a-salt-of-sixteen-or-more');

describe('the suppression key of an address', () => {
  it('is the same for every spelling of one address', () => {
    const key = hash('ann@bücher.de');
    for (const spelling of [
      'Ann@Bücher.de',
      '  ann@BÜCHER.DE ',
      'ann@xn--bcher-kva.de',
      'ann@bu\u0308cher.de', // decomposed ü
      'ann@bücher.de.',
    ]) {
      expect(hash(spelling), spelling).toBe(key);
    }
  });

  it('differs between addresses and between salts, and shows nothing of the address', () => {
    const key = hash('ann@example.com');
    expect(hash('anne@example.com')).not.toBe(key);
    expect(hash('ann@example.org')).not.toBe(key);
    expect(makeAddressHasher('another-salt-of-sixteen')('ann@example.com')).not.toBe(key);
    // HMAC-SHA256, URL-safe: usable in a key as it is, 256 bits whatever the address's length.
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(key.toLowerCase()).not.toContain('ann');
    expect(key.toLowerCase()).not.toContain('example');
  });

  it('refuses what is no address, hostile characters included, rather than key it', () => {
    for (const input of ['', 'not-an-address', 'ann@exa\u200bmple.com', 'ann\u202e@example.com', 42, null]) {
      expect(() => hash(input as string), String(input)).toThrow(ValidationError);
    }
  });

  it('needs a salt long enough not to be guessed', () => {
    expect(() => makeAddressHasher('short')).toThrow(ConfigError);
    expect(() => makeAddressHasher('')).toThrow(/at least 16 characters/);
  });
});
