import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';

beforeAll(() => {
  // What the stack gives the ingest function under `ingestAuth: 'iam'`: no key at all.
  vi.stubEnv('TABLE_NAME', 'tidings-never-called');
  vi.stubEnv('TIDINGS_PUBLIC_URL', 'https://news.example.org');
  vi.stubEnv('MAIL_FROM', 'alerts@news.example.org');
  vi.stubEnv('TIDINGS_INGEST_AUTH', 'iam');
  vi.stubEnv('TIDINGS_INGEST_KEY', '');
});

/** A request as API Gateway hands it over, with the caller its IAM authorizer verified, if any. */
const post = (headers: Record<string, string>, caller?: string) =>
  ({
    routeKey: 'POST /articles',
    rawPath: '/articles',
    headers: { 'content-type': 'application/json', ...headers },
    // Refused as bad input after the authentication, so the table is never reached.
    body: '{"articles": 7}',
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      http: { method: 'POST', path: '/articles' },
      ...(caller && { authorizer: { iam: { userArn: caller } } }),
    },
  }) as unknown as APIGatewayProxyEventV2;

describe('POST /articles under IAM authentication', () => {
  it('lets a request with a verified IAM caller through to the article checks, with no key configured', async () => {
    const { handler } = await import('../../functions/ingest');
    const response = await handler(post({}, 'arn:aws:sts::123456789012:assumed-role/publisher/session'));
    expect(response.statusCode).toBe(400);
  });

  it('refuses a request that reached it without a verified caller, even with a Bearer header', async () => {
    const { handler } = await import('../../functions/ingest');
    const response = await handler(post({ authorization: 'Bearer anything' }));
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body ?? '').error.message).toBe(
      'This route needs a request signed with AWS Signature Version 4.',
    );
  });
});
