import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { TOKEN_PURPOSES, type TokenPurpose } from '../../lib/subscriptions/tokens';
import { hostileField, hostileText } from './inputs';

/**
 * How a token is made wrong. `valid` and `victim` are real links of the two fuzz subscribers (the victim's
 * may be used to unsubscribe or erase, so later requests replay links of someone who is gone); `signed`
 * is any payload signed with the stack's own secret, which is what "validly signed" means.
 */
export type ForgedToken =
  | {
      readonly kind: 'valid' | 'victim' | 'wrong-key' | 'expired' | 'old-generation';
      readonly purpose: TokenPurpose;
    }
  | { readonly kind: 'truncated'; readonly purpose: TokenPurpose; readonly cut: number }
  | { readonly kind: 'swapped'; readonly purpose: TokenPurpose; readonly other: TokenPurpose }
  | { readonly kind: 'signed'; readonly payload: string }
  | { readonly kind: 'garbage'; readonly text: string };

const purpose = fc.constantFrom(...TOKEN_PURPOSES);

/** Payloads no build of Tidings issues: wrong JSON types, hostile claims, huge or not JSON at all. */
const oddPayload: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'null',
    '[]',
    '1',
    '-0',
    '1e999',
    '"x"',
    'true',
    '{}',
    '{"purpose":null}',
    '',
    '\u0000',
    '{',
  ),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        purpose: fc.oneof(purpose, hostileField),
        subscriberId: fc.oneof(
          hostileField,
          fc.integer({ min: 90, max: 5000 }).map((n) => 's'.repeat(n)),
        ),
        requestId: hostileField,
        topicId: hostileField,
        gen: fc.oneof(fc.constantFrom(-1, 1.5, 2 ** 60, Number.MAX_SAFE_INTEGER), hostileField),
        exp: fc.oneof(fc.constantFrom(-1, 0, 1e21, 2 ** 53), hostileField),
      },
      { requiredKeys: ['purpose'] },
    )
    .map((claims) => JSON.stringify(claims)),
  fc.constantFrom(JSON.stringify({ purpose: 'preferences', subscriberId: 'x', pad: 'p'.repeat(1400) })),
);

export const forgedToken: fc.Arbitrary<ForgedToken> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constantFrom('valid', 'victim'), purpose }) as fc.Arbitrary<ForgedToken>,
  },
  fc.record({
    kind: fc.constantFrom('wrong-key', 'expired', 'old-generation'),
    purpose,
  }) as fc.Arbitrary<ForgedToken>,
  fc.record({ kind: fc.constant('truncated' as const), purpose, cut: fc.integer({ min: 1, max: 80 }) }),
  fc.record({ kind: fc.constant('swapped' as const), purpose, other: purpose }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('signed' as const), payload: oddPayload }) },
  fc.record({ kind: fc.constant('garbage' as const), text: hostileText }),
);

export interface TokenSubjects {
  readonly secret: string;
  /** The subscriber whose links keep working through the run. */
  readonly keeper: { readonly subscriberId: string; readonly requestId: string; readonly topicId: string };
  /** The subscriber whose links may unsubscribe or erase them mid-run. */
  readonly victim: { readonly subscriberId: string; readonly requestId: string; readonly topicId: string };
}

/** Turns a description of a token into the token, signing with the stack's secret where it says so. */
export function tokenMaker({ secret, keeper, victim }: TokenSubjects) {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const signWith = (key: string, payload: string) =>
    createHmac('sha256', key).update(payload).digest('base64url');
  const signed = (text: string, key = secret) => {
    const payload = b64(text);
    return `${payload}.${signWith(key, payload)}`;
  };
  const claims = (who: TokenSubjects['keeper'], p: TokenPurpose, extra: object = {}) =>
    JSON.stringify({
      purpose: p,
      subscriberId: who.subscriberId,
      ...(p === 'confirm' && { requestId: who.requestId }),
      ...(p === 'mute' && { topicId: who.topicId }),
      gen: 0,
      exp: Math.floor(Date.now() / 1000) + 3600,
      ...extra,
    });
  return (forged: ForgedToken): string => {
    switch (forged.kind) {
      case 'valid':
        return signed(claims(keeper, forged.purpose));
      case 'victim':
        return signed(claims(victim, forged.purpose));
      case 'wrong-key':
        return signed(claims(keeper, forged.purpose), `${secret}x`);
      case 'expired':
        return signed(claims(keeper, forged.purpose, { exp: 1 }));
      case 'old-generation':
        return signed(claims(keeper, forged.purpose, { gen: 7 }));
      case 'truncated': {
        const token = signed(claims(keeper, forged.purpose));
        return token.slice(0, Math.max(0, token.length - forged.cut));
      }
      case 'swapped': {
        const [payload] = signed(claims(victim, forged.other)).split('.');
        const [, signature] = signed(claims(keeper, forged.purpose)).split('.');
        return `${payload}.${signature}`;
      }
      case 'signed':
        return signed(forged.payload);
      case 'garbage':
        return forged.text;
    }
  };
}
