import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../../lib/errors';
import { bearerToken, bodyText, MAX_BODY_BYTES, parseFields } from '../../lib/http/request';

const event = (headers: Record<string, string>, body?: string, isBase64Encoded = false) =>
  ({ headers, body, isBase64Encoded }) as unknown as APIGatewayProxyEventV2;

describe('the Bearer token of a request', () => {
  it('is the credentials of the Bearer scheme, named in any case', () => {
    for (const authorization of ['Bearer k3y-1.2_3~+/==', 'bearer k3y-1.2_3~+/==', 'BEARER  k3y-1.2_3~+/=='])
      expect(bearerToken(event({ Authorization: authorization })), authorization).toBe('k3y-1.2_3~+/==');
  });

  it.each([
    'k3y',
    'Basic azN5',
    'Token k3y',
    'Bearer',
    'Bearer ',
    'Bearerk3y',
    'Bearer k3y junk',
    'Bearer k3y, Bearer k3y',
    'Bearer "k3y"',
    'Bearer k3y=x',
  ])('is none in %j', (authorization) => {
    expect(bearerToken(event({ authorization }))).toBeUndefined();
  });

  it('is none without the header', () => {
    expect(bearerToken(event({}))).toBeUndefined();
  });
});

describe('a request body on the handler side, where API Gateway lets up to 10 MB through', () => {
  it('is refused with 413 past 1 MiB, as text or base64, before it is parsed', () => {
    expect(bodyText(event({}, 'x'.repeat(MAX_BODY_BYTES)))).toHaveLength(MAX_BODY_BYTES);
    expect(() => bodyText(event({}, 'x'.repeat(MAX_BODY_BYTES + 1)))).toThrow(PayloadTooLargeError);
    // Counted in UTF-8 bytes, not characters.
    expect(() => bodyText(event({}, 'é'.repeat(MAX_BODY_BYTES / 2 + 1)))).toThrow(PayloadTooLargeError);
    const base64 = Buffer.alloc(MAX_BODY_BYTES + 1, 'x').toString('base64');
    expect(() => bodyText(event({}, base64, true))).toThrow(PayloadTooLargeError);
    const form = event(
      { 'content-type': 'application/x-www-form-urlencoded' },
      `a=${'x'.repeat(MAX_BODY_BYTES)}`,
    );
    expect(() => parseFields(form)).toThrow(PayloadTooLargeError);
  });
});
