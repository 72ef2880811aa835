import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { literalAddressOf } from '../../feeds/address-policy';
import { FeedFetchError, PageFetchError } from '../../feeds/errors';
import type { FeedFetcher, FeedResponse, FeedValidators, FetchedPage, PageFetcher } from '../../ports';

/** `dns.lookup` as http.request calls it: one address, or every address when `options.all` is set. */
export type Lookup = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface FeedFetcherOptions {
  /** For the whole fetch of one feed: every redirect, the headers and the last byte of the body. */
  readonly timeoutMs: number;
  /** The body's limit, decompressed, counted as it streams in. */
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** Whether an address may be connected to; every address does when absent (the local stack). */
  readonly allowAddress?: (address: string) => boolean;
  /** Resolves host names; `dns.lookup` unless a test gives its own. */
  readonly lookup?: Lookup;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1';
const PAGE_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';

/** What one guarded fetch is of: the word its messages use, the error they are thrown as, what it accepts. */
interface Subject {
  readonly noun: 'feed' | 'page';
  readonly accept: string;
  readonly fail: (message: string) => Error;
}

type Answer =
  | { readonly status: 'not-modified' }
  | { readonly status: 'ok'; readonly response: IncomingMessage };

/**
 * Fetches with node:http(s). On AWS the address checked is the one connected to: a host name is resolved
 * by our own lookup, which refuses it if any of its addresses is not public, and the socket connects to
 * what that lookup returned, so DNS cannot answer one address for the check and another for the
 * connection. A literal IP in the URL (which needs no lookup) is checked before connecting. Redirects are
 * followed by hand, each hop checked again. Feeds and the pages their items link to share it all.
 */
function makeGuardedGet(options: FeedFetcherOptions, subject: Subject) {
  const allow = options.allowAddress ?? (() => true);
  const baseLookup = options.lookup ?? (dnsLookup as unknown as Lookup);
  const { noun, fail } = subject;
  const refused = (what: string, address: string) =>
    fail(
      `${what} is ${address}, which is not a public address; ${noun}s are fetched from public hosts only.`,
    );

  const guardedLookup = (
    hostname: string,
    lookupOptions: { all?: boolean; family?: number },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    baseLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const bad = addresses.find((a) => !allow(a.address));
      if (bad)
        return callback(refused(`The ${noun} host ${hostname} resolves to an address that`, bad.address), '');
      const [first] = addresses;
      if (!first) return callback(fail(`The ${noun} host ${hostname} has no address.`), '');
      if (lookupOptions.all) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };

  const get = (url: URL, validators: FeedValidators, signal: AbortSignal) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const literal = literalAddressOf(url);
      if (literal !== undefined && !allow(literal)) {
        return reject(refused(`The ${noun}'s address`, literal));
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, {
        method: 'GET',
        headers: {
          accept: subject.accept,
          'accept-encoding': 'gzip, deflate, br',
          'user-agent': 'Tidings feed reader',
          ...(validators.etag !== undefined && { 'if-none-match': validators.etag }),
          ...(validators.lastModified !== undefined && { 'if-modified-since': validators.lastModified }),
        },
        lookup: guardedLookup as never,
        signal,
        // A socket of its own each time: a pooled one may have been opened to an address checked for
        // another host.
        agent: false,
      });
      request.on('response', resolve);
      request.on('error', reject);
      request.end();
    });

  /** Follows redirects to the answer, then reads it with `read` inside the same time limit. */
  return async function guardedGet<T>(
    startUrl: string,
    validators: FeedValidators,
    read: (answer: Answer) => Promise<T>,
  ): Promise<T> {
    const seconds = options.timeoutMs / 1000;
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      let url = new URL(startUrl);
      for (let hop = 0; ; hop++) {
        const response = await get(url, validators, signal);
        const status = response.statusCode ?? 0;
        if (REDIRECTS.has(status)) {
          response.resume();
          const location = response.headers.location;
          if (!location) throw fail(`The ${noun} answered HTTP ${status} without a Location.`);
          if (hop >= options.maxRedirects) {
            throw fail(`The ${noun} redirected more than ${options.maxRedirects} times.`);
          }
          url = new URL(location, url);
          if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            throw fail(`The ${noun} redirected to a ${url.protocol} URL; only http(s) is fetched.`);
          }
          continue;
        }
        if (status === 304) {
          response.resume();
          return await read({ status: 'not-modified' });
        }
        if (status < 200 || status > 299) {
          response.resume();
          throw fail(`The ${noun} answered HTTP ${status}.`);
        }
        return await read({ status: 'ok', response });
      }
    } catch (error) {
      if (signal.aborted) throw fail(`The ${noun} did not answer in full within ${seconds} seconds.`);
      if (error instanceof FeedFetchError || error instanceof PageFetchError) throw error;
      const { code, message } = error as NodeJS.ErrnoException;
      throw fail(`The ${noun} could not be fetched: ${code ?? message}.`);
    }
  };
}

/** Fetches feeds, conditionally, through the guarded fetch; every failure is a `FeedFetchError`. */
export function makeHttpFeedFetcher(options: FeedFetcherOptions): FeedFetcher {
  const guardedGet = makeGuardedGet(options, {
    noun: 'feed',
    accept: FEED_ACCEPT,
    fail: (message) => new FeedFetchError(message),
  });
  return {
    fetch: (feedUrl, validators) =>
      guardedGet(feedUrl, validators, async (answer): Promise<FeedResponse> => {
        if (answer.status === 'not-modified') return answer;
        const { response } = answer;
        const bytes = await readBody(response, options.maxBytes, 'feed', (m) => new FeedFetchError(m));
        const { etag, 'last-modified': lastModified } = response.headers;
        return {
          status: 'ok',
          body: decodeText(bytes, response.headers['content-type']),
          ...(etag !== undefined && { etag }),
          ...(lastModified !== undefined && { lastModified }),
        };
      }),
  };
}

/**
 * Fetches the page a feed item links to, under the feed fetcher's rules (the same address policy, each
 * redirect checked, the byte limit, one time limit for the whole fetch); every failure is a `PageFetchError`.
 * The body comes back as bytes with its Content-Type, for the reader to decode in the charset it declares.
 */
export function makeHttpPageFetcher(options: FeedFetcherOptions): PageFetcher {
  const fail = (message: string) => new PageFetchError(message);
  const guardedGet = makeGuardedGet(options, { noun: 'page', accept: PAGE_ACCEPT, fail });
  return {
    fetch: (pageUrl) =>
      guardedGet(pageUrl, {}, async (answer): Promise<FetchedPage> => {
        // No validators are sent, so a 304 answers nothing that was asked.
        if (answer.status === 'not-modified') throw fail('The page answered HTTP 304.');
        const { response } = answer;
        const bytes = await readBody(response, options.maxBytes, 'page', fail);
        const contentType = response.headers['content-type'];
        return { bytes, ...(contentType !== undefined && { contentType }) };
      }),
  };
}

function decoded(response: IncomingMessage): Readable {
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  pipeline(response, decoder, () => {});
  return decoder;
}

/** The body, read as it streams and given up past `maxBytes` (after decompression, so no bomb gets by). */
async function readBody(
  response: IncomingMessage,
  maxBytes: number,
  noun: 'feed' | 'page',
  fail: (message: string) => Error,
): Promise<Buffer> {
  const tooLarge = () =>
    fail(`The ${noun} is larger than ${maxBytes.toLocaleString('en')} bytes; it was not read.`);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  const body = decoded(response);
  try {
    for await (const chunk of body) {
      bytes += (chunk as Buffer).length;
      if (bytes > maxBytes) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
  } finally {
    // Whatever stopped the reading, the socket goes with it.
    response.destroy();
  }
  return Buffer.concat(chunks);
}

/** The charset the Content-Type names (UTF-8 when it names none or one unknown); a byte-order mark is dropped. */
function decodeText(bytes: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
