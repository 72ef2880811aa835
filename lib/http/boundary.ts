import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { MethodNotAllowedError, TooManyRequestsError, UnauthorizedError, UserFacingError } from '../errors';
import { logger } from '../log';
import { errorPage } from '../pages/error-page';
import type { Markup } from './html';
import { wantsHtml } from './request';
import { type HttpResult, json, page } from './response';
import { asGet } from './routes';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;

export interface BoundaryOptions {
  /**
   * The page a browser gets for a user-facing error instead of the plain error page: a form shown again with
   * what was typed and the error beside its field, so a mistake never leaves the reader on a page with no
   * form. Undefined keeps the plain page. Status and headers stay the error's.
   */
  readonly errorPageFor?: (error: UserFacingError, event: APIGatewayProxyEventV2) => Markup | undefined;
}

/**
 * Headers some errors carry beyond their status: when to retry, which methods the path takes, and for a 401
 * the scheme to authenticate with (RFC 9110 §11.6.1 requires the challenge).
 */
function errorHeaders(error: unknown): Record<string, string> {
  if (error instanceof UnauthorizedError) return { 'www-authenticate': 'Bearer' };
  if (error instanceof TooManyRequestsError) return { 'retry-after': String(error.retryAfterSeconds) };
  if (error instanceof MethodNotAllowedError) return { allow: error.allow.join(', ') };
  return {};
}

/**
 * The one place errors become responses: a UserFacingError shows its message with its status; anything
 * else is logged with a correlation id and answered with a generic 500 that names only that id. HEAD
 * requests reach the handler as the GET they mirror and get its status and headers without the body.
 */
export function withHttpBoundary(handle: HttpHandler, options: BoundaryOptions = {}) {
  return async (event: APIGatewayProxyEventV2, context?: Context): Promise<HttpResult> => {
    const correlationId = context?.awsRequestId ?? event.requestContext?.requestId ?? randomUUID();
    logger.appendKeys({ correlationId, route: event.routeKey });
    try {
      const response = await answer(handle, asGet(event), correlationId, options);
      return event.requestContext?.http?.method === 'HEAD' ? { ...response, body: '' } : response;
    } finally {
      logger.removeKeys(['correlationId', 'route']);
    }
  };
}

async function answer(
  handle: HttpHandler,
  event: APIGatewayProxyEventV2,
  correlationId: string,
  options: BoundaryOptions,
): Promise<HttpResult> {
  try {
    return await handle(event);
  } catch (error) {
    const known = error instanceof UserFacingError;
    if (!known) logger.error('Unhandled error', { error: error as Error });
    const status = known ? error.status : 500;
    const code = known ? error.code : 'internal_error';
    const message = known
      ? error.message
      : `Something went wrong on our side. Quote reference ${correlationId} if you contact us.`;
    const response = wantsHtml(event)
      ? page(status, (known && ownPage(options, error, event)) || errorPage(message, status))
      : json(status, { error: { code, message } });
    response.headers = { ...response.headers, ...errorHeaders(error) };
    return response;
  }
}

/** The handler's own page for the error; a failure to build it must not hide the error, so it falls back. */
function ownPage(
  options: BoundaryOptions,
  error: UserFacingError,
  event: APIGatewayProxyEventV2,
): Markup | undefined {
  try {
    return options.errorPageFor?.(error, event);
  } catch (failure) {
    logger.error('The error page of the handler failed; showing the plain one', { error: failure as Error });
    return undefined;
  }
}
