import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MethodNotAllowedError, NotFoundError } from '../../lib/errors';
import {
  allowedMethods,
  apiRoutes,
  asGet,
  fallbackFunction,
  matchRoute,
  refuseUnmatched,
} from '../../lib/http/routes';
import { httpRoutes } from '../../lib/manifest';

const request = (method: string, rawPath: string) =>
  ({
    routeKey: '$default',
    rawPath,
    headers: {},
    requestContext: { http: { method } },
  }) as unknown as APIGatewayProxyEventV2;

describe('the routes derived from the manifest', () => {
  it('hold every declared route and a HEAD route to the same function beside each GET', () => {
    const routes = apiRoutes().map((r) => `${r.name} ${r.method} ${r.path}`);
    for (const { name, trigger } of httpRoutes()) {
      expect(routes).toContain(`${name} ${trigger.method} ${trigger.path}`);
      if (trigger.method === 'GET') expect(routes).toContain(`${name} HEAD ${trigger.path}`);
    }
    expect(routes.filter((r) => r.includes(' HEAD ')).length).toBe(
      httpRoutes().filter((r) => r.trigger.method === 'GET').length,
    );
  });

  it('send unmatched requests to the pages function', () => {
    expect(fallbackFunction()).toBe('pages');
  });

  it('match path parameters one segment at a time, decoded', () => {
    expect(matchRoute('GET', '/articles/a%20b')).toEqual({
      kind: 'route',
      route: { name: 'pages', method: 'GET', path: '/articles/{id}' },
      pathParameters: { id: 'a b' },
    });
    expect(matchRoute('GET', '/articles/a/b')).toEqual({ kind: 'unmatched' });
    expect(matchRoute('HEAD', '/')).toMatchObject({ kind: 'route', route: { method: 'HEAD', path: '/' } });
    // A dot in a path is a dot, not "any character".
    expect(matchRoute('GET', '/faviconXico')).toEqual({ kind: 'unmatched' });
  });

  it('list the methods of a path in a stable order, HEAD wherever GET is', () => {
    expect(allowedMethods('/')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods('/subscriptions')).toEqual(['POST']);
    expect(allowedMethods('/confirm')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowedMethods('/articles')).toEqual(['POST']);
    expect(allowedMethods('/articles/x1')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods('/nowhere')).toEqual([]);
  });
});

describe('an unmatched request', () => {
  it('is a 405 naming the allowed methods when the path exists', () => {
    const refusal = (() => {
      try {
        refuseUnmatched(request('DELETE', '/confirm'));
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(MethodNotAllowedError);
    expect(refusal).toMatchObject({ status: 405, allow: ['GET', 'HEAD', 'POST'] });
  });

  it('is a 404 when no route has the path', () => {
    expect(() => refuseUnmatched(request('GET', '/nowhere'))).toThrow(NotFoundError);
  });
});

describe('a HEAD request', () => {
  it('reaches handlers as the GET it mirrors', () => {
    const head = { ...request('HEAD', '/'), routeKey: 'HEAD /' };
    expect(asGet(head)).toMatchObject({ routeKey: 'GET /', requestContext: { http: { method: 'GET' } } });
    const fallback = request('HEAD', '/nowhere');
    expect(asGet(fallback)).toMatchObject({
      routeKey: '$default',
      requestContext: { http: { method: 'GET' } },
    });
    const post = request('POST', '/subscriptions');
    expect(asGet(post)).toBe(post);
  });
});
