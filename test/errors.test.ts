import { describe, expect, it } from 'vitest';
import * as errors from '../lib/errors';
import { QueryError } from '../lib/query/query-error';

describe('error classes', () => {
  it('each carry their own name as a string, which minified bundles keep for the logs', () => {
    const instances: Record<string, Error> = {
      UserFacingError: new errors.UserFacingError(400, 'code', 'message'),
      ValidationError: new errors.ValidationError('code', 'message'),
      UnauthorizedError: new errors.UnauthorizedError(),
      NotFoundError: new errors.NotFoundError('message'),
      MethodNotAllowedError: new errors.MethodNotAllowedError('PUT', '/x', ['GET', 'HEAD']),
      PayloadTooLargeError: new errors.PayloadTooLargeError(10),
      UnsupportedMediaTypeError: new errors.UnsupportedMediaTypeError('text/x', ['text/plain']),
      InvalidTokenError: new errors.InvalidTokenError(),
      ForbiddenOriginError: new errors.ForbiddenOriginError('https://news.example.com'),
      TooManyRequestsError: new errors.TooManyRequestsError(30),
      MalformedMessageError: new errors.MalformedMessageError('message'),
      ConfigError: new errors.ConfigError('message'),
      UndeclaredAccessError: new errors.UndeclaredAccessError('message'),
      FanOutIncomplete: new errors.FanOutIncomplete('article', 0, ['sub']),
      MailRejectedError: new errors.MailRejectedError('message'),
      MailRetryableError: new errors.MailRetryableError('message'),
      MailThrottledError: new errors.MailThrottledError('message'),
      DailyQuotaExceededError: new errors.DailyQuotaExceededError('message'),
      UnrecordedSendError: new errors.UnrecordedSendError('message-id', new Error('cause')),
      QueryError: new QueryError('message', 3),
    };
    // Every error class lib/errors.ts exports is in the list above.
    expect(Object.keys(errors).sort()).toEqual(
      Object.keys(instances)
        .filter((n) => n !== 'QueryError')
        .sort(),
    );
    for (const [exported, instance] of Object.entries(instances)) {
      expect(instance.name, exported).toBe(exported);
      // Set on the instance by a string field, not derived from the (minifiable) class name.
      expect(Object.hasOwn(instance, 'name'), exported).toBe(true);
    }
  });
});
