import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ForbiddenOriginError } from '../../lib/errors';
import { isOneClickUnsubscribe, requireOwnOrigin } from '../../lib/http/origin';

const publicUrl = 'https://news.example.com/base';
const event = (headers: Record<string, string>) => ({ headers }) as unknown as APIGatewayProxyEventV2;

describe('requireOwnOrigin', () => {
  it('lets through posts from the service’s own origin, and requests that name none', () => {
    const allowed: Record<string, string>[] = [
      { origin: 'https://news.example.com' },
      { Origin: 'https://news.example.com', 'sec-fetch-site': 'same-origin' },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      {},
    ];
    for (const headers of allowed) {
      expect(() => requireOwnOrigin(event(headers), publicUrl), JSON.stringify(headers)).not.toThrow();
    }
  });

  it('refuses another origin, even a sibling or another port, and cross-site fetches', () => {
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'https://news.example.com:8443' },
      { origin: 'http://news.example.com' },
      { origin: 'https://sub.news.example.com' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of refused) {
      expect(() => requireOwnOrigin(event(headers), publicUrl), JSON.stringify(headers)).toThrow(
        new ForbiddenOriginError('https://news.example.com'),
      );
    }
  });
});

describe('isOneClickUnsubscribe', () => {
  it('recognises the RFC 8058 body and nothing else', () => {
    expect(isOneClickUnsubscribe({ 'List-Unsubscribe': 'One-Click' })).toBe(true);
    expect(isOneClickUnsubscribe({ 'List-Unsubscribe': 'one-click' })).toBe(false);
    expect(isOneClickUnsubscribe({})).toBe(false);
  });
});
