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
 * 303 See Other: after a browser form post, the result is a GET of `location`, so reloading the result
 * page never posts the form again.
 */
export function seeOther(location: string): HttpResult {
  return {
    statusCode: 303,
    headers: { ...SECURITY_HEADERS, location, 'cache-control': 'no-store' },
    body: '',
  };
}
