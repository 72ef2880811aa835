import { ValidationError } from '../errors';

export const MAX_URL_CHARS = 2_048;

/**
 * Query parameters that say how a reader arrived, not which story it is: two links that differ only in
 * them are the same article, and they should not follow a link into emails and pages.
 */
const TRACKING = /^(utm_.+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|_hsenc|_hsmi|yclid)$/i;

const invalid = (message: string) => new ValidationError('invalid_article', message);

/**
 * A story's link as it is stored and shown: an absolute http(s) URL without credentials, tracking
 * parameters or a fragment, host lower-cased and default port dropped (the WHATWG parser does those two).
 * Every source goes through here (JSON, wire copy, feeds), so no `javascript:` link reaches a page or an
 * email whatever format it came in.
 */
export function canonicalUrl(value: string): string {
  if (value.length > MAX_URL_CHARS) throw invalid(`"url" must be at most ${MAX_URL_CHARS} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('"url" must be an absolute http(s) URL such as "https://example.com/news/1".');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`"url" must be an http(s) URL; "${url.protocol}" links are not accepted.`);
  }
  // The URL is put into emails; a user name or password in it is a paste mistake that would leak.
  if (url.username !== '' || url.password !== '') {
    throw invalid('"url" must not contain a user name or password.');
  }
  for (const name of [...url.searchParams.keys()]) {
    if (TRACKING.test(name)) url.searchParams.delete(name);
  }
  url.hash = '';
  return url.href;
}
