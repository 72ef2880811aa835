import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { TooManyRequestsError, UserFacingError } from '../errors';
import { logger } from '../log';
import { errorPage } from '../pages/error-page';
import { wantsHtml } from './request';
import { type HttpResult, json, page } from './response';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;

/**
 * The one place errors become responses: a UserFacingError shows its message with its status; anything
 * else is logged with a correlation id and answered with a generic 500 that names only that id.
 */
export function withHttpBoundary(handle: HttpHandler) {
  return async (event: APIGatewayProxyEventV2, context?: Context): Promise<HttpResult> => {
    const correlationId = context?.awsRequestId ?? event.requestContext?.requestId ?? randomUUID();
    logger.appendKeys({ correlationId, route: event.routeKey });
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
        ? page(status, errorPage(message))
        : json(status, { error: { code, message } });
      if (error instanceof TooManyRequestsError) {
        response.headers = { ...response.headers, 'retry-after': String(error.retryAfterSeconds) };
      }
      return response;
    } finally {
      logger.removeKeys(['correlationId', 'route']);
    }
  };
}
