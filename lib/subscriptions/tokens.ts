import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from '../errors';

/**
 * Links in emails carry HMAC-signed tokens, so nothing secret is stored and a token cannot be forged or
 * altered, nor used for another purpose than its own. Confirmation links expire with the pending request;
 * unsubscribe, preference and mute links work for 90 days (CAN-SPAM asks 30) and every new email carries
 * fresh ones, so a subscriber always holds a working link while mail still reaches them.
 */
export const TOKEN_PURPOSES = ['confirm', 'unsubscribe', 'preferences', 'mute'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export interface TokenClaims {
  readonly purpose: TokenPurpose;
  readonly subscriberId: string;
  /** For confirm tokens: the subscription request being confirmed. */
  readonly requestId?: string;
  /** For mute tokens: the topic to stop. */
  readonly topicId?: string;
  /**
   * The subscriber's link generation when it was issued: revoking every link bumps the subscriber's, and a
   * token of an older generation stops working. Absent (links from before revocation existed) counts as 0.
   */
  readonly gen?: number;
  /** Expiry in seconds since the epoch; absent (unsubscribe links from before they expired) never expires. */
  readonly exp?: number;
}

export const CONFIRM_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
export const LINK_TOKEN_TTL_SECONDS = 90 * 24 * 3600;

/** Refuses a link of an older generation than the subscriber's: they revoked it. */
export function requireCurrentGeneration(
  claims: TokenClaims,
  subscriber: { readonly tokenGeneration?: number },
): void {
  if ((claims.gen ?? 0) !== (subscriber.tokenGeneration ?? 0)) {
    throw new InvalidTokenError(
      'This link was revoked: every link in earlier emails stopped working when new ones were issued. Use the link in your most recent Tidings email.',
    );
  }
}

function b64(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

const MAX_ID_CHARS = 100;

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && value.length <= MAX_ID_CHARS;

/** The claims when `value` has exactly their shape and types; undefined otherwise. */
function claimsOf(value: unknown): TokenClaims | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { purpose, subscriberId, requestId, topicId, gen, exp } = value as Record<string, unknown>;
  if (!(TOKEN_PURPOSES as readonly unknown[]).includes(purpose)) return undefined;
  if (!isId(subscriberId)) return undefined;
  if (requestId !== undefined && !isId(requestId)) return undefined;
  if (topicId !== undefined && !isId(topicId)) return undefined;
  if (gen !== undefined && !(Number.isSafeInteger(gen) && (gen as number) >= 0)) return undefined;
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) return undefined;
  return {
    purpose: purpose as TokenPurpose,
    subscriberId,
    ...(requestId !== undefined && { requestId }),
    ...(topicId !== undefined && { topicId }),
    ...(gen !== undefined && { gen: gen as number }),
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
        throw new InvalidTokenError(
          purpose === 'confirm'
            ? 'This link has expired. Subscribe again to get a new one.'
            : 'This link has expired. Use the link in your most recent Tidings email.',
        );
      }
      return claims;
    },
  };
}

export type Tokens = ReturnType<typeof makeTokens>;
