import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../lib/errors';
import { makeTokens, requireCurrentGeneration } from '../../lib/subscriptions/tokens';
import { makeLinks } from '../../lib/use-cases/links';

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
      { purpose: 'unsubscribe', subscriberId: 's1', gen: -1 },
      { purpose: 'unsubscribe', subscriberId: 's1', gen: 1.5 },
      { purpose: 'unsubscribe', subscriberId: 's1', gen: '2' },
      { purpose: 'mute', subscriberId: 's1', topicId: 9 },
      { purpose: 'admin', subscriberId: 's1' },
    ]) {
      expect(() => tokens.verify(sign(payload), 'unsubscribe', now), JSON.stringify(payload)).toThrow(
        InvalidTokenError,
      );
    }
  });
});

describe('lasting links: unsubscribe, preferences, mute', () => {
  const links = makeLinks('https://tidings.example.com', tokens);
  const owner = { id: 's1', tokenGeneration: 2 };
  const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';
  const day = 86_400_000;

  it('work for 90 days from the mail that carried them, each only for its own purpose', () => {
    const issued = new Date('2026-12-01T08:00:00Z');
    const unsubscribe = tokenOf(links.unsubscribe(owner, issued));
    const preferences = tokenOf(links.preferences(owner, issued));
    const mute = tokenOf(links.mute(owner, 'topic-7', issued));
    const day89 = new Date(issued.getTime() + 89 * day);
    expect(tokens.verify(unsubscribe, 'unsubscribe', day89)).toMatchObject({ subscriberId: 's1', gen: 2 });
    expect(tokens.verify(preferences, 'preferences', day89).subscriberId).toBe('s1');
    expect(tokens.verify(mute, 'mute', day89)).toMatchObject({ topicId: 'topic-7' });
    for (const [token, purpose] of [
      [unsubscribe, 'preferences'],
      [preferences, 'unsubscribe'],
      [mute, 'unsubscribe'],
      [unsubscribe, 'mute'],
    ] as const) {
      expect(() => tokens.verify(token, purpose, day89)).toThrow(InvalidTokenError);
    }
    const day91 = new Date(issued.getTime() + 91 * day);
    expect(() => tokens.verify(unsubscribe, 'unsubscribe', day91)).toThrow(
      'This link has expired. Use the link in your most recent Tidings email.',
    );
  });

  it('stop working once the subscriber revokes their links', () => {
    const claims = tokens.verify(tokenOf(links.preferences(owner, now)), 'preferences', now);
    expect(() => requireCurrentGeneration(claims, { tokenGeneration: 2 })).not.toThrow();
    expect(() => requireCurrentGeneration(claims, { tokenGeneration: 3 })).toThrow(/This link was revoked/);
    // A link from before generations existed belongs to generation 0.
    const old = tokens.verify(
      tokens.issue({ purpose: 'unsubscribe', subscriberId: 's1' }),
      'unsubscribe',
      now,
    );
    expect(() => requireCurrentGeneration(old, {})).not.toThrow();
    expect(() => requireCurrentGeneration(old, { tokenGeneration: 1 })).toThrow(InvalidTokenError);
  });
});
