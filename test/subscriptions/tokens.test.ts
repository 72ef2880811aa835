import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../lib/errors';
import { makeTokens } from '../../lib/subscriptions/tokens';

const tokens = makeTokens('a-test-secret');
const now = new Date('2026-11-27T12:00:00Z');

describe('signed link tokens', () => {
  it('round-trips the claims of a genuine token', () => {
    const token = tokens.issue({
      purpose: 'confirm',
      subscriberId: 's1',
      requestId: 'r1',
      exp: now.getTime() / 1000 + 60,
    });
    expect(tokens.verify(token, 'confirm', now)).toMatchObject({ subscriberId: 's1', requestId: 'r1' });
  });

  it('rejects a token signed with another secret, altered, or used for the other purpose', () => {
    const token = tokens.issue({ purpose: 'unsubscribe', subscriberId: 's1' });
    expect(() => makeTokens('other').verify(token, 'unsubscribe', now)).toThrow(InvalidTokenError);
    const [payload, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ purpose: 'unsubscribe', subscriberId: 's2' })).toString('base64url')}.${signature}`;
    expect(() => tokens.verify(forged, 'unsubscribe', now)).toThrow(InvalidTokenError);
    expect(() => tokens.verify(`${payload}.${signature}`, 'confirm', now)).toThrow(InvalidTokenError);
    for (const junk of [undefined, '', 'abc', 'a.b.c', 'x'.repeat(3000)]) {
      expect(() => tokens.verify(junk, 'unsubscribe', now)).toThrow(InvalidTokenError);
    }
  });

  it('expires confirmation links but never unsubscribe links', () => {
    const confirm = tokens.issue({
      purpose: 'confirm',
      subscriberId: 's1',
      requestId: 'r',
      exp: now.getTime() / 1000 - 1,
    });
    expect(() => tokens.verify(confirm, 'confirm', now)).toThrow(/expired/);
    const unsubscribe = tokens.issue({ purpose: 'unsubscribe', subscriberId: 's1' });
    expect(tokens.verify(unsubscribe, 'unsubscribe', new Date('2036-01-01')).subscriberId).toBe('s1');
  });
});
