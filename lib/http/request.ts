import { isUtf8 } from 'node:buffer';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors';
import { assertNothingLost } from './lost-characters';

export const MAX_BODY_BYTES = 1024 * 1024;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * The credentials of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive, RFC 9110
 * §11.1): undefined for any other scheme, a bare token, or anything after the token, so only the one
 * documented form is taken.
 */
export function bearerToken(event: APIGatewayProxyEventV2): string | undefined {
  return /^Bearer +([\w.~+/-]+=*)$/i.exec(header(event, 'authorization') ?? '')?.[1];
}

/**
 * The IAM caller API Gateway verified (a route with the IAM authorizer): its ARN, or undefined when the
 * request came through no such route.
 */
export function iamCaller(event: APIGatewayProxyEventV2): string | undefined {
  const { authorizer } = event.requestContext as { authorizer?: { iam?: { userArn?: unknown } } };
  const arn = authorizer?.iam?.userArn;
  return typeof arn === 'string' && arn !== '' ? arn : undefined;
}

/** The media type without parameters, lowercased: `text/plain; charset=utf-8` → `text/plain`. */
export function mediaType(event: APIGatewayProxyEventV2): string | undefined {
  return header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * The body's bytes. API Gateway hands over a body it takes for text as a string, UTF-8 decoded, and
 * anything else base64; the string's UTF-8 bytes are the bytes sent whenever that decoding lost nothing,
 * and where it did lose something it left a U+FFFD, which is refused, so a charset the body declares still
 * reads the bytes the sender wrote (`decodeBody` in ./decode-body, which ingest uses).
 */
export function bodyBytes(event: APIGatewayProxyEventV2): Buffer {
  const raw = event.body ?? '';
  if (!event.isBase64Encoded) assertNothingLost(raw);
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  return bytes;
}

/**
 * The body as UTF-8 text, strictly: forms and JSON come from Tidings' own UTF-8 pages and from scripts.
 * Only ingest, where publishers send text in other charsets, pays for the charset-aware decoder.
 */
export function bodyText(event: APIGatewayProxyEventV2): string {
  const bytes = bodyBytes(event);
  if (!isUtf8(bytes)) throw new ValidationError('invalid_encoding', 'The body is not valid UTF-8.');
  return bytes.toString('utf8');
}

export function requireMediaType(event: APIGatewayProxyEventV2, accepted: readonly string[]): string {
  const type = mediaType(event);
  if (!type || !accepted.includes(type))
    throw new UnsupportedMediaTypeError(header(event, 'content-type'), accepted);
  return type;
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new ValidationError('empty_body', 'The request body is empty.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError('invalid_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Form fields; a field sent more than once (several topics) becomes a list. */
export function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = fields[key];
    fields[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return fields;
}

/** Reads a JSON object or a form post into one record, so both paths share one validator. */
export function parseFields(event: APIGatewayProxyEventV2): Record<string, unknown> {
  const type = requireMediaType(event, ['application/json', 'application/x-www-form-urlencoded']);
  const text = bodyText(event);
  if (type === 'application/x-www-form-urlencoded') return parseForm(text);
  const value = parseJson(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('invalid_body', 'The body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** A form post's fields; an empty object for any other body (which this never rejects). */
export function formFields(event: APIGatewayProxyEventV2): Record<string, unknown> {
  return mediaType(event) === 'application/x-www-form-urlencoded' ? parseForm(bodyText(event)) : {};
}

/**
 * A refused form's fields, to show it again filled in; none when the body itself is what was refused (not
 * UTF-8, too large), so the form comes back empty with the error beside it instead of failing to build.
 */
export function formFieldsToShow(event: APIGatewayProxyEventV2): Record<string, unknown> {
  try {
    return formFields(event);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof PayloadTooLargeError) return {};
    throw error;
  }
}

export function wantsHtml(event: APIGatewayProxyEventV2): boolean {
  const accept = header(event, 'accept') ?? '';
  return accept.includes('text/html') || mediaType(event) === 'application/x-www-form-urlencoded';
}

export function queryParam(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.queryStringParameters?.[name];
}

/**
 * Who sent the request, for the consent ledger: API Gateway's view of the client address (never
 * X-Forwarded-For, which the client writes itself) and the user agent.
 */
export function clientOf(event: APIGatewayProxyEventV2): { ip?: string; userAgent?: string } {
  const ip = event.requestContext?.http?.sourceIp;
  const userAgent = header(event, 'user-agent');
  return { ...(ip && { ip }), ...(userAgent && { userAgent }) };
}
