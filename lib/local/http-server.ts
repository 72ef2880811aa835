import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PayloadTooLargeError, type UserFacingError, ValidationError } from '../errors';
import { withHttpBoundary } from '../http/boundary';
import { corsHeaders, isPreflight } from '../http/cors';
import { MAX_BODY_BYTES } from '../http/request';
import { type ApiRoute, apiRoutes, fallbackFunction, matchRoute, routeKeyOf } from '../http/routes';
import { LambdaTimeoutError } from './lambda-timeout';
import { ClientGoneError, drainBody, readBody, TOO_LARGE } from './request-body';
import { type RequestTarget, requestTarget, UNKNOWN_TARGET } from './request-target';

export type HttpLambda = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The body the way API Gateway HTTP API v2 hands it over: text as a string, anything else base64. Bytes
 * that are not UTF-8 (a windows-1252 article) go base64 whatever their type, so the function decodes the
 * very bytes sent in the charset they declare; a gateway that decodes them as UTF-8 regardless leaves
 * U+FFFD in the string, which bodyText refuses rather than store.
 */
function asEventBody(req: IncomingMessage, bytes: Buffer): { body: string; base64: boolean } {
  const type = req.headers['content-type'] ?? '';
  const textual = /^(text\/|application\/(json|x-www-form-urlencoded))/i.test(type) && isUtf8(bytes);
  return textual
    ? { body: bytes.toString('utf8'), base64: false }
    : { body: bytes.toString('base64'), base64: true };
}

function toEvent(
  req: IncomingMessage,
  { host, url }: RequestTarget,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
  body: { body: string; base64: boolean },
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams)
    query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: pathParameters && Object.keys(pathParameters).length ? pathParameters : undefined,
    isBase64Encoded: body.base64,
    body: body.body === '' ? undefined : body.body,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  };
}

function send(
  res: ServerResponse,
  result: APIGatewayProxyStructuredResultV2,
  extraHeaders: Record<string, string> = {},
): void {
  const body = result.body ?? '';
  res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>), ...extraHeaders });
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * A response written to the socket of a CONNECT request, closed once sent. node:http reads no body for a
 * tunnel, and API Gateway none for CONNECT, so its body is empty.
 */
function responseOn(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => socket.end());
  socket.on('error', () => {});
  return res;
}

function jsonError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code, message } }),
  });
}

/**
 * What API Gateway refuses before any function runs (a malformed Host or path, a body over its limit),
 * answered by the same boundary as the functions' own errors, so it is JSON or a page as theirs are.
 */
function refusal(req: IncomingMessage, target: RequestTarget, error: UserFacingError) {
  const event = toEvent(req, target, '$default', undefined, { body: '', base64: false });
  return withHttpBoundary(() => Promise.reject(error))(event);
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly ApiRoute[],
  handlerOf: (name: string) => HttpLambda,
  allowedOrigins: readonly string[],
): Promise<void> {
  // API Gateway answers a preflight itself when CORS is configured; no function sees it.
  if (allowedOrigins.length > 0 && isPreflight(req.method ?? '', req.headers)) {
    drainBody(req);
    return send(res, { statusCode: 204 }, corsHeaders(req.headers, allowedOrigins, true));
  }
  let target: RequestTarget;
  try {
    target = requestTarget(req);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    drainBody(req);
    return send(res, await refusal(req, UNKNOWN_TARGET, error));
  }
  const bytes = await readBody(req, MAX_BODY_BYTES);
  if (bytes === TOO_LARGE) {
    // The rest is read and dropped after the answer, so a client still uploading gets to read it.
    drainBody(req);
    return send(res, await refusal(req, target, new PayloadTooLargeError(MAX_BODY_BYTES)));
  }
  const found = matchRoute(req.method ?? 'GET', target.url.pathname, routes);
  const [name, routeKey, pathParameters] =
    found.kind === 'route'
      ? [found.route.name, routeKeyOf(found.route), found.pathParameters]
      : [fallbackFunction(), '$default', undefined];
  const event = toEvent(req, target, routeKey, pathParameters, asEventBody(req, bytes));
  send(res, await handlerOf(name)(event), corsHeaders(req.headers, allowedOrigins, false));
}

/**
 * Serves the manifest's HTTP routes with the same handlers API Gateway invokes, translating node:http into
 * HTTP API v2 events (payload format 2.0). A request no route matches goes, as on API Gateway's `$default`
 * route, to the fallback function, which answers 404 or 405 from the same routes.
 */
export async function startHttpServer(
  handlers: ReadonlyMap<string, HttpLambda>,
  port: number,
  options: { readonly allowedOrigins?: readonly string[] } = {},
): Promise<{ server: Server; port: number; stop(): Promise<void> }> {
  const routes = apiRoutes();
  const handlerOf = (name: string): HttpLambda => {
    const handler = handlers.get(name);
    if (!handler) throw new Error(`No handler loaded for function ${name}.`);
    return handler;
  };
  // Fail at start, not at the first request, when a routed function has no handler.
  for (const name of new Set([...routes.map((r) => r.name), fallbackFunction()])) handlerOf(name);
  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      await serve(req, res, routes, handlerOf, options.allowedOrigins ?? []);
    } catch (error) {
      // The client hung up mid-body: nobody is left to answer, and nothing failed on this side.
      if (error instanceof ClientGoneError) return;
      // API Gateway answers a Lambda that ran past its timeout with 503 Service Unavailable.
      if (error instanceof LambdaTimeoutError) {
        console.error(`[${req.method} ${req.url}] ${error.message}`);
        if (!res.headersSent) jsonError(res, 503, 'service_unavailable', 'Service Unavailable');
        return;
      }
      // Handlers have their own boundary; reaching here means the adapter itself failed.
      console.error(error);
      if (!res.headersSent) jsonError(res, 500, 'internal_error', 'The local server failed.');
    }
  };
  const server = createServer(onRequest);
  // node:http hands a CONNECT request over as a bare socket and, with no listener, closes it unanswered.
  // API Gateway tunnels nothing: it is answered as any other request (405 on a route, 400 for host:port).
  server.on('connect', (req: IncomingMessage, socket: Duplex) => onRequest(req, responseOn(req, socket)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
