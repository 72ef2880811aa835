import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenOriginError } from '../errors';
import { header } from './request';

/**
 * A state-changing post must come from Tidings' own pages: another site's form must not be able to
 * subscribe an address. Browsers name the page's origin (`Origin`, and `Sec-Fetch-Site` where they send
 * no Origin); API clients and mail providers' RFC 8058 one-click posts send neither and are let through,
 * since what they can do is guarded by double opt-in and signed tokens.
 */
export function requireOwnOrigin(event: APIGatewayProxyEventV2, publicUrl: string): void {
  const own = new URL(publicUrl).origin;
  const origin = header(event, 'origin');
  // Browsers send `Origin: null` for pages that send no referrer (ours among them), so only a named
  // origin is compared; Sec-Fetch-Site, which page scripts cannot set, decides the rest.
  if (origin !== undefined && origin !== 'null') {
    if (origin !== own) throw new ForbiddenOriginError(own);
    return;
  }
  const site = header(event, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new ForbiddenOriginError(own);
}

/** RFC 8058: the one-click unsubscribe a mail client posts for the List-Unsubscribe-Post header. */
export function isOneClickUnsubscribe(fields: Readonly<Record<string, unknown>>): boolean {
  return fields['List-Unsubscribe'] === 'One-Click';
}
