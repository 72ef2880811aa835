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
      let claims: TokenClaims;
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
      } catch {
        throw new InvalidTokenError();
      }
      if (claims.purpose !== purpose || typeof claims.subscriberId !== 'string')
        throw new InvalidTokenError();
      if (claims.exp !== undefined && claims.exp * 1000 < now.getTime()) {
        throw new InvalidTokenError('This link has expired. Subscribe again to get a new one.');
      }
      return claims;
    },
  };
}

export type Tokens = ReturnType<typeof makeTokens>;
