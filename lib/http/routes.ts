import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ConfigError, MethodNotAllowedError, NotFoundError } from '../errors';
import { type FunctionName, functions, type HttpMethod, httpRoutes, type Trigger } from '../manifest';

/**
 * The HTTP routes as API Gateway and the local server both have them, derived from the manifest here and
 * nowhere else: the CDK stack creates exactly these routes, the local server matches exactly these, and the
 * fallback function answers everything else from the same list.
 */

/** HEAD is answered wherever GET is (RFC 9110 §9.3.2); the manifest only declares the GET. */
export type RouteMethod = HttpMethod | 'HEAD';

export interface ApiRoute {
  readonly name: FunctionName;
  readonly method: RouteMethod;
  readonly path: string;
}

export const routeKeyOf = (route: Pick<ApiRoute, 'method' | 'path'>) => `${route.method} ${route.path}`;

/**
 * Every route: each manifest HTTP trigger, and a HEAD twin of each GET sent to the same function. API
 * Gateway HTTP APIs route HEAD only to routes that name it, so the twins must exist as routes of their own.
 */
export function apiRoutes(): ApiRoute[] {
  return httpRoutes().flatMap(({ name, trigger }) => {
    const route = { name, method: trigger.method, path: trigger.path };
    return trigger.method === 'GET' ? [route, { ...route, method: 'HEAD' as const }] : [route];
  });
}

/** The one function the `$default` route goes to: the one whose manifest entry has the fallback trigger. */
export function fallbackFunction(): FunctionName {
  const holders = (Object.entries(functions) as [FunctionName, { triggers: readonly Trigger[] }][])
    .filter(([, fn]) => fn.triggers.some((t) => t.kind === 'fallback'))
    .map(([name]) => name);
  const [only] = holders;
  if (holders.length !== 1 || only === undefined) {
    throw new ConfigError(
      `Exactly one function must answer unmatched requests (a 'fallback' trigger); the manifest has ${holders.length}.`,
    );
  }
  return only;
}

/** API Gateway's `{name}` path parameters (one segment each) as a regular expression. */
export function pathPattern(path: string): { pattern: RegExp; params: string[] } {
  const params: string[] = [];
  const source = path
    .split(/(\{\w+\})/)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      if (param === undefined) return part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
      params.push(param);
      return '([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), params };
}

const compiled = new Map<string, ReturnType<typeof pathPattern>>();
function compiledPattern(path: string) {
  let found = compiled.get(path);
  if (!found) {
    found = pathPattern(path);
    compiled.set(path, found);
  }
  return found;
}

/** The methods a path answers, in a stable order, as a 405's `Allow` header lists them. */
export function allowedMethods(path: string, routes: readonly ApiRoute[] = apiRoutes()): RouteMethod[] {
  const order: readonly RouteMethod[] = ['GET', 'HEAD', 'POST'];
  const methods = new Set(
    routes.filter((r) => compiledPattern(r.path).pattern.test(path)).map((r) => r.method),
  );
  return [...methods].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: ApiRoute; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'unmatched' };

/** The route API Gateway would pick for a request, with its path parameters. */
export function matchRoute(
  method: string,
  path: string,
  routes: readonly ApiRoute[] = apiRoutes(),
): RouteMatch {
  for (const route of routes) {
    if (route.method !== method) continue;
    const { pattern, params } = compiledPattern(route.path);
    const match = pattern.exec(path);
    if (!match) continue;
    const pathParameters = Object.fromEntries(
      params.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
    );
    return { kind: 'route', route, pathParameters };
  }
  return { kind: 'unmatched' };
}

/**
 * What a request that matched no route gets: 405 with the path's methods when the path exists, else 404.
 * Thrown, so the handler's boundary answers it as HTML or JSON like every other error.
 */
export function refuseUnmatched(event: APIGatewayProxyEventV2): never {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  const allow = allowedMethods(path);
  if (allow.length > 0) throw new MethodNotAllowedError(method, path, allow);
  throw new NotFoundError(`No route for ${method} ${path}: there is no page at this address.`);
}

/**
 * A HEAD request as the GET it mirrors, so handlers need no case of their own for it; the boundary drops the
 * body of the answer.
 */
export function asGet(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  if (event.requestContext?.http?.method !== 'HEAD') return event;
  return {
    ...event,
    routeKey: event.routeKey.startsWith('HEAD ') ? `GET ${event.routeKey.slice(5)}` : event.routeKey,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET' } },
  };
}
