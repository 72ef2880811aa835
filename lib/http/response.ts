import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SCRIPT_HASHES } from '../pages/scripts';
import type { Markup } from './html';

export type HttpResult = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function json(statusCode: number, body: unknown): HttpResult {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}

export function page(statusCode: number, markup: Markup): HttpResult {
  return {
    statusCode,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src ${SCRIPT_HASHES.join(' ')}; form-action 'self'; base-uri 'none'`,
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    },
    body: markup.html,
  };
}

/**
 * 303 See Other: after a browser's form post, send it to a page it loads with GET, so reloading that page
 * (or going back to it) never posts the form again. `location` is a path on this site: a redirect built
 * from anything else would make Tidings an open redirector.
 */
export function seeOther(location: string): HttpResult {
  if (!location.startsWith('/') || location.startsWith('//') || location.includes('\\')) {
    throw new Error(`seeOther takes a path on this site, not "${location}".`);
  }
  return {
    statusCode: 303,
    headers: { ...SECURITY_HEADERS, location, 'cache-control': 'no-store' },
    body: '',
  };
}

/**
 * The site icon: a 16×16 PNG inside an ICO (the "T" on the brand blue). Browsers ask for /favicon.ico on
 * their own; answering with an icon they may keep for a year stops them asking on every page.
 */
const FAVICON_ICO_BASE64 =
  'AAABAAEAEBAAAAEAIABpAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAQAAAAEAgGAAAAH/P/YQAAADBJREFUeNpjYAAClZBr/8nBDJRohhtCVQOIBYPYAHSMTQNJgThqwGAwgD55gdLsDAAroY3/9+NUewAAAABJRU5ErkJggg==';

export function favicon(): HttpResult {
  return {
    statusCode: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'image/x-icon',
      'cache-control': 'public, max-age=31536000, immutable',
    },
    body: FAVICON_ICO_BASE64,
    isBase64Encoded: true,
  };
}
