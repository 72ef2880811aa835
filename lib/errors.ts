/**
 * Errors a user can act on carry a stable code and an HTTP status; the HTTP boundary shows their message.
 * Anything else is an internal fault: logged with a correlation id and answered with a generic 500.
 * Every error class names itself in a string, so the name in logs survives the bundles' minification.
 */
export class UserFacingError extends Error {
  override name = 'UserFacingError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ValidationError extends UserFacingError {
  override name = 'ValidationError';

  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export class UnauthorizedError extends UserFacingError {
  override name = 'UnauthorizedError';

  constructor(message = 'A valid ingest key is required: send "Authorization: Bearer <key>".') {
    super(401, 'unauthorized', message);
  }
}

export class NotFoundError extends UserFacingError {
  override name = 'NotFoundError';

  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

/** The path exists but not for this method; `allow` is what a 405's `Allow` header lists. */
export class MethodNotAllowedError extends UserFacingError {
  override name = 'MethodNotAllowedError';

  constructor(
    method: string,
    path: string,
    readonly allow: readonly string[],
  ) {
    super(405, 'method_not_allowed', `${method} is not allowed on ${path}; it answers ${allow.join(', ')}.`);
  }
}

export class PayloadTooLargeError extends UserFacingError {
  override name = 'PayloadTooLargeError';

  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends UserFacingError {
  override name = 'UnsupportedMediaTypeError';

  constructor(received: string | undefined, accepted: readonly string[]) {
    super(
      415,
      'unsupported_media_type',
      `Content-Type ${received ? `"${received}"` : '(none)'} is not accepted here; send one of: ${accepted.join(', ')}.`,
    );
  }
}

export class ForbiddenOriginError extends UserFacingError {
  override name = 'ForbiddenOriginError';

  constructor(ownOrigin: string) {
    super(403, 'forbidden_origin', `This form can only be sent from Tidings' own pages at ${ownOrigin}.`);
  }
}

export class TooManyRequestsError extends UserFacingError {
  override name = 'TooManyRequestsError';

  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'too_many_requests',
      `Too many requests from your network; try again in ${retryAfterSeconds} seconds.`,
    );
  }
}

export class InvalidTokenError extends UserFacingError {
  override name = 'InvalidTokenError';

  constructor(message = 'This link is invalid or has expired.') {
    super(400, 'invalid_token', message);
  }
}

/**
 * A notification that can never be handled as it is (not JSON, not the shape its sender documents): logged
 * and skipped, because retrying it would fail the same way and hold up the ones behind it.
 */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

/** Raised when configuration is missing or malformed: a deployment fault, never shown to users. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A function tried something its manifest entry does not declare (a table action or item family, mail, a
 * secret). On AWS IAM would deny it; raising it first names the declaration to change.
 */
export class UndeclaredAccessError extends Error {
  override name = 'UndeclaredAccessError';
}

/**
 * Some recipients of a fan-out chunk could not be written; the others were. Failing the chunk makes the
 * stream retry it, and the ledger's conditional writes make the retry redo only the failed recipients.
 */
export class FanOutIncomplete extends Error {
  override name = 'FanOutIncomplete';

  constructor(
    readonly articleId: string,
    readonly chunk: number,
    readonly subscriberIds: readonly string[],
  ) {
    super(
      `${subscriberIds.length} recipient(s) of article ${articleId}, chunk ${chunk}, were not written: ${subscriberIds.slice(0, 5).join(', ')}${subscriberIds.length > 5 ? ', …' : ''}.`,
    );
  }
}

/**
 * SES refused a message for a reason that will not change on a retry (`MessageRejected`, an address it
 * cannot deliver to): the delivery is marked failed with this reason and never sent again.
 */
export class MailRejectedError extends Error {
  override name = 'MailRejectedError';
}

/**
 * SES asked us to slow down (`Throttling`, "Maximum sending rate exceeded") or failed on its side (5xx):
 * worth retrying after a backoff.
 */
export class MailRetryableError extends Error {
  override name = 'MailRetryableError';
}

/**
 * SES's rate limit in particular (`Throttling`, "Maximum sending rate exceeded"), as opposed to its 5xx: retried
 * like any retryable answer, and counted apart (`SendThrottles`), since it says the send cap is set too high.
 */
export class MailThrottledError extends MailRetryableError {
  override name = 'MailThrottledError';
}

/**
 * The account's 24-hour sending quota is used up: no send succeeds until the rolling window frees some,
 * so every sender pauses instead of burning retries.
 */
export class DailyQuotaExceededError extends Error {
  override name = 'DailyQuotaExceededError';
}

/**
 * SES accepted a message but the ledger could not record it, even after retries. The claim stays
 * 'sending' with its attempt on record; the sweeper re-queues it once stale and it is sent again: the one
 * duplicate Tidings cannot rule out (see README, "Exactly once").
 */
export class UnrecordedSendError extends Error {
  override name = 'UnrecordedSendError';

  constructor(
    readonly messageId: string,
    cause: unknown,
  ) {
    super(`SES accepted message ${messageId} but the ledger could not record it.`, { cause });
  }
}
