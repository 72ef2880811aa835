import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';

const KEY = 'test-ingest-key';

beforeAll(() => {
  // What the stack gives the ingest function; the table is never reached by a request refused as bad input.
  vi.stubEnv('TABLE_NAME', 'tidings-never-called');
  vi.stubEnv('TIDINGS_PUBLIC_URL', 'https://news.example.org');
  vi.stubEnv('MAIL_FROM', 'alerts@news.example.org');
  vi.stubEnv('TIDINGS_INGEST_KEY', KEY);
});

const post = (body: unknown) =>
  ({
    routeKey: 'POST /articles',
    rawPath: '/articles',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', http: { method: 'POST', path: '/articles' } },
  }) as unknown as APIGatewayProxyEventV2;

describe('POST /articles with a time zone', () => {
  it('answers 400 invalid_article naming a zone that does not exist', async () => {
    const { handler } = await import('../../functions/ingest');
    const response = await handler(
      post({
        text: 'The ferry strike on the Solent ended at noon.',
        publishedAt: '2024-09-11T15:52',
        timezone: 'Europe/Solent',
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: {
        code: 'invalid_article',
        message: '"timezone" must be an IANA time zone such as "Europe/Paris"; "Europe/Solent" is not one.',
      },
    });
  });
});
