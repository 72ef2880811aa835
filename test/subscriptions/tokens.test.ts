import { createHmac } from 'node:crypto';
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

  it('rejects a genuinely signed token whose claims are not of the expected shape', () => {
    const sign = (payload: unknown) => {
      // Signed with the real secret, as a buggy or older build might have issued it.
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      const signature = createHmac('sha256', 'a-test-secret').update(body).digest('base64url');
      return `${body}.${signature}`;
    };
    expect(
      tokens.verify(sign({ purpose: 'unsubscribe', subscriberId: 's1' }), 'unsubscribe', now).subscriberId,
    ).toBe('s1');
    for (const payload of [
      null,
      42,
      'unsubscribe',
      [],
      {},
      { purpose: 'unsubscribe' },
      { purpose: 'unsubscribe', subscriberId: '' },
      { purpose: 'unsubscribe', subscriberId: 7 },
      { purpose: 'unsubscribe', subscriberId: 'x'.repeat(101) },
      { purpose: 'unsubscribe', subscriberId: 's1', exp: 'never' },
      { purpose: 'unsubscribe', subscriberId: 's1', exp: null },
      { purpose: 'confirm', subscriberId: 's1', requestId: {} },
    ]) {
      expect(() => tokens.verify(sign(payload), 'unsubscribe', now), JSON.stringify(payload)).toThrow(
        InvalidTokenError,
      );
    }
  });
});
