import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from '../errors';

/**
 * Links in emails carry HMAC-signed tokens, so nothing secret is stored and a token cannot be forged or
 * altered. Confirmation links expire; unsubscribe links never do, because people unsubscribe from old mail.
 */
export type TokenPurpose = 'confirm' | 'unsubscribe';

export interface TokenClaims {
  readonly purpose: TokenPurpose;
  readonly subscriberId: string;
  /** For confirm tokens: the subscription request being confirmed. */
  readonly requestId?: string;
  /** Expiry in seconds since the epoch; absent means it never expires. */
  readonly exp?: number;
}

export const CONFIRM_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

function b64(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

const MAX_ID_CHARS = 100;

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && value.length <= MAX_ID_CHARS;

/** The claims when `value` has exactly their shape and types; undefined otherwise. */
function claimsOf(value: unknown): TokenClaims | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { purpose, subscriberId, requestId, exp } = value as Record<string, unknown>;
  if (purpose !== 'confirm' && purpose !== 'unsubscribe') return undefined;
  if (!isId(subscriberId)) return undefined;
  if (requestId !== undefined && !isId(requestId)) return undefined;
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) return undefined;
  return {
    purpose,
    subscriberId,
    ...(requestId !== undefined && { requestId }),
    ...(exp !== undefined && { exp }),
  };
}

export function makeTokens(secret: string) {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    issue(claims: TokenClaims): string {
      const payload = b64(JSON.stringify(claims));
      return `${payload}.${sign(payload)}`;
    },
    verify(token: unknown, purpose: TokenPurpose, now: Date): TokenClaims {
      if (typeof token !== 'string' || token.length > 2000) throw new InvalidTokenError();
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) throw new InvalidTokenError();
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given))
        throw new InvalidTokenError();
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidTokenError();
      }
      // Signed by us, but perhaps by an older or buggy build: only claims of the expected shape count.
      const claims = claimsOf(parsed);
      if (!claims || claims.purpose !== purpose) throw new InvalidTokenError();
      if (claims.exp !== undefined && claims.exp * 1000 < now.getTime()) {
        throw new InvalidTokenError('This link has expired. Subscribe again to get a new one.');
      }
      return claims;
    },
  };
}

export type Tokens = ReturnType<typeof makeTokens>;
