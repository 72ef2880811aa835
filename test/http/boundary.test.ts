import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { MethodNotAllowedError, TooManyRequestsError, ValidationError } from '../../lib/errors';
import { withHttpBoundary } from '../../lib/http/boundary';
import { html } from '../../lib/http/html';
import { logger } from '../../lib/log';

const event = (headers: Record<string, string> = {}) =>
  ({
    routeKey: 'POST /x',
    headers,
    requestContext: { requestId: 'req-123' },
  }) as unknown as APIGatewayProxyEventV2;

describe('the HTTP error boundary', () => {
  it('shows a user-facing error with its status and code', async () => {
    const handler = withHttpBoundary(async () => {
      throw new ValidationError('invalid_email', 'That is not an email address.');
    });
    const response = await handler(event());
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'invalid_email', message: 'That is not an email address.' },
    });
  });

  it('hides an internal fault behind a generic 500 that quotes the correlation id, and logs it', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => {});
    const handler = withHttpBoundary(async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.1:443 secret-table-name');
    });
    const response = await handler(event());
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toContain('secret-table-name');
    expect(JSON.parse(response.body ?? '').error).toEqual({
      code: 'internal_error',
      message: expect.stringContaining('req-123'),
    });
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });

  it('answers people in browsers with an HTML page', async () => {
    const handler = withHttpBoundary(async () => {
      throw new ValidationError('invalid_email', 'That is <not> an email address.');
    });
    const response = await handler(event({ accept: 'text/html' }));
    expect(response.headers?.['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('That is &lt;not&gt; an email address.');
  });

  it('names the allowed methods of a 405 in Allow, for JSON and HTML alike', async () => {
    const handler = withHttpBoundary(async () => {
      throw new MethodNotAllowedError('PUT', '/confirm', ['GET', 'HEAD', 'POST']);
    });
    for (const accept of ['application/json', 'text/html']) {
      const response = await handler(event({ accept }));
      expect(response.statusCode, accept).toBe(405);
      expect(response.headers?.allow, accept).toBe('GET, HEAD, POST');
    }
  });

  it('hands a HEAD request to the handler as its GET and answers with the same status and headers, no body', async () => {
    const seen: string[] = [];
    const handler = withHttpBoundary(async (e) => {
      seen.push(`${e.requestContext.http.method} ${e.routeKey}`);
      return { statusCode: 200, headers: { 'content-type': 'text/html', etag: '"1"' }, body: '<p>hi</p>' };
    });
    const head = {
      routeKey: 'HEAD /page',
      headers: {},
      requestContext: { requestId: 'r', http: { method: 'HEAD' } },
    } as unknown as APIGatewayProxyEventV2;
    const response = await handler(head);
    expect(seen).toEqual(['GET GET /page']);
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/html', etag: '"1"' },
      body: '',
    });
  });

  it('shows a handler’s own page for an error to browsers, with the error’s status and headers', async () => {
    const handler = withHttpBoundary(
      async () => {
        throw new TooManyRequestsError(12);
      },
      { errorPageFor: (error) => html`<form>again: ${error.message}</form>` },
    );
    const page = await handler(event({ accept: 'text/html' }));
    expect(page.statusCode).toBe(429);
    expect(page.headers?.['retry-after']).toBe('12');
    expect(page.body).toBe(
      '<form>again: Too many requests from your network; try again in 12 seconds.</form>',
    );
    const api = await handler(event({ accept: 'application/json' }));
    expect(JSON.parse(api.body ?? '').error.code).toBe('too_many_requests');
  });

  it('falls back to the plain error page when the handler’s own page fails', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => {});
    const handler = withHttpBoundary(
      async () => {
        throw new ValidationError('invalid_email', 'Not an address.');
      },
      {
        errorPageFor: () => {
          throw new Error('template broke');
        },
      },
    );
    const page = await handler(event({ accept: 'text/html' }));
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Not an address.');
    expect(page.body).not.toContain('template broke');
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });
});
