/**
 * Cross-origin calls, as the HTTP API's CORS configuration answers them: the same lists build the stack's
 * `corsPreflight` and the local server's answers, so a page that works against `npm start` works on AWS.
 * Without allowed origins no cross-origin call is answered with CORS headers (the pages are same-origin).
 */
export const CORS_METHODS = ['GET', 'HEAD', 'POST'] as const;
export const CORS_HEADERS = ['content-type', 'authorization'] as const;
export const CORS_MAX_AGE_SECONDS = 3600;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** A browser's preflight: OPTIONS with an Origin and the method it asks about. */
export function isPreflight(method: string, headers: Headers): boolean {
  return (
    method === 'OPTIONS' &&
    first(headers.origin) !== undefined &&
    first(headers['access-control-request-method']) !== undefined
  );
}

/** The CORS headers of an answer to a request from `headers.origin`; none for an origin not allowed. */
export function corsHeaders(
  headers: Headers,
  allowedOrigins: readonly string[],
  preflight: boolean,
): Record<string, string> {
  const origin = first(headers.origin);
  if (origin === undefined || !allowedOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    vary: 'origin',
    ...(preflight && {
      'access-control-allow-methods': CORS_METHODS.join(','),
      'access-control-allow-headers': CORS_HEADERS.join(','),
      'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
    }),
  };
}
