import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiRoutes, fallbackFunction, matchRoute, routeKeyOf } from '../http/routes';
import { LambdaTimeoutError } from './lambda-timeout';

export type HttpLambda = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** Reads the body the way API Gateway HTTP API v2 hands it over: text as is, anything else base64. */
async function readBody(req: IncomingMessage, limit: number): Promise<{ body: string; base64: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // API Gateway refuses payloads over its own limit; past a margin there is no point buffering more.
    if (size > limit) break;
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  const textual = /^(text\/|application\/(json|x-www-form-urlencoded))/i.test(type);
  return textual
    ? { body: bytes.toString('utf8'), base64: false }
    : { body: bytes.toString('base64'), base64: true };
}

function toEvent(
  req: IncomingMessage,
  url: URL,
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
      domainName: url.host,
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

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body ?? '';
  res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function jsonError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code, message } }),
  });
}

/**
 * Serves the manifest's HTTP routes with the same handlers API Gateway invokes, translating node:http into
 * HTTP API v2 events (payload format 2.0). A request no route matches goes, as on API Gateway's `$default`
 * route, to the fallback function, which answers 404 or 405 from the same routes.
 */
export async function startHttpServer(
  handlers: ReadonlyMap<string, HttpLambda>,
  port: number,
): Promise<{ server: Server; port: number; stop(): Promise<void> }> {
  const routes = apiRoutes();
  const handlerOf = (name: string): HttpLambda => {
    const handler = handlers.get(name);
    if (!handler) throw new Error(`No handler loaded for function ${name}.`);
    return handler;
  };
  // Fail at start, not at the first request, when a routed function has no handler.
  for (const name of new Set([...routes.map((r) => r.name), fallbackFunction()])) handlerOf(name);
  // Slightly over the API's own 1 MiB limit, so the handler still sees (and names) an oversize body.
  const bodyLimit = 1024 * 1024 + 1024;
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      const found = matchRoute(req.method ?? 'GET', url.pathname, routes);
      const [name, routeKey, pathParameters] =
        found.kind === 'route'
          ? [found.route.name, routeKeyOf(found.route), found.pathParameters]
          : [fallbackFunction(), '$default', undefined];
      const event = toEvent(req, url, routeKey, pathParameters, await readBody(req, bodyLimit));
      send(res, await handlerOf(name)(event));
    } catch (error) {
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
  });
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
