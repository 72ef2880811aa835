import type { IncomingMessage } from 'node:http';
import { ValidationError } from '../errors';

/** What no host in a Host header may hold: WHATWG URL parsing would quietly read it as user info or path. */
const NOT_IN_HOST = /[\s/?#@\\]/;

/**
 * The Host header when it names a host (and port) a URL can have. API Gateway answers a request for any
 * other host with 4xx before a function runs; so does the local server, rather than failing to build a URL.
 */
function hostOf(req: IncomingMessage): string {
  const host = req.headers.host ?? 'localhost';
  const refuse = () =>
    new ValidationError('invalid_host', `The Host header ${JSON.stringify(host)} does not name a host.`);
  if (host === '' || NOT_IN_HOST.test(host)) throw refuse();
  try {
    new URL(`http://${host}`);
  } catch {
    throw refuse();
  }
  return host;
}

/**
 * The request's path and query. Only origin-form targets (`/path?query`) are served: `//x/y` stays a path
 * instead of naming host x, and a path whose %-escapes do not decode (`/%`, `/articles/%E0%A4%A`) is
 * refused with 400, as API Gateway refuses it, instead of failing where a path parameter is decoded.
 */
function pathOf(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  if (!target.startsWith('/'))
    throw new ValidationError('invalid_path', `The request target ${JSON.stringify(target)} is not a path.`);
  const url = new URL(`http://localhost${target}`);
  try {
    decodeURIComponent(url.pathname);
  } catch {
    throw new ValidationError('invalid_path', `The path ${url.pathname} has a malformed %-escape.`);
  }
  return url;
}

export interface RequestTarget {
  readonly host: string;
  /** On localhost whatever the Host: only its path and query are read. */
  readonly url: URL;
}

/** Where a request that is refused for its Host or path is taken to go, so its refusal can be answered. */
export const UNKNOWN_TARGET: RequestTarget = { host: 'localhost', url: new URL('http://localhost/') };

/** The request's host and path, or a ValidationError naming which of them no request may have. */
export function requestTarget(req: IncomingMessage): RequestTarget {
  return { host: hostOf(req), url: pathOf(req) };
}
