import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { literalAddressOf } from '../../feeds/address-policy';
import { FeedFetchError } from '../../feeds/errors';
import type { FeedFetcher, FeedResponse, FeedValidators } from '../../ports';

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
const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1';

const refused = (what: string, address: string) =>
  new FeedFetchError(
    `${what} is ${address}, which is not a public address; feeds are fetched from public hosts only.`,
  );

/**
 * Fetches feeds with node:http(s). On AWS the address checked is the one connected to: a host name is
 * resolved by our own lookup, which refuses it if any of its addresses is not public, and the socket
 * connects to what that lookup returned, so DNS cannot answer one address for the check and another for the
 * connection. A literal IP in the URL (which needs no lookup) is checked before connecting. Redirects are
 * followed by hand, each hop checked again.
 */
export function makeHttpFeedFetcher(options: FeedFetcherOptions): FeedFetcher {
  const allow = options.allowAddress ?? (() => true);
  const baseLookup = options.lookup ?? (dnsLookup as unknown as Lookup);

  const guardedLookup = (
    hostname: string,
    lookupOptions: { all?: boolean; family?: number },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    baseLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const bad = addresses.find((a) => !allow(a.address));
      if (bad)
        return callback(refused(`The feed host ${hostname} resolves to an address that`, bad.address), '');
      const [first] = addresses;
      if (!first) return callback(new FeedFetchError(`The feed host ${hostname} has no address.`), '');
      if (lookupOptions.all) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };

  const get = (url: URL, validators: FeedValidators, signal: AbortSignal) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const literal = literalAddressOf(url);
      if (literal !== undefined && !allow(literal)) {
        return reject(refused(`The feed's address`, literal));
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, {
        method: 'GET',
        headers: {
          accept: ACCEPT,
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

  return {
    async fetch(feedUrl, validators) {
      const seconds = options.timeoutMs / 1000;
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        let url = new URL(feedUrl);
        for (let hop = 0; ; hop++) {
          const response = await get(url, validators, signal);
          const status = response.statusCode ?? 0;
          if (REDIRECTS.has(status)) {
            response.resume();
            const location = response.headers.location;
            if (!location) throw new FeedFetchError(`The feed answered HTTP ${status} without a Location.`);
            if (hop >= options.maxRedirects) {
              throw new FeedFetchError(`The feed redirected more than ${options.maxRedirects} times.`);
            }
            url = new URL(location, url);
            if (url.protocol !== 'http:' && url.protocol !== 'https:') {
              throw new FeedFetchError(
                `The feed redirected to a ${url.protocol} URL; only http(s) is fetched.`,
              );
            }
            continue;
          }
          if (status === 304) {
            response.resume();
            return { status: 'not-modified' };
          }
          if (status < 200 || status > 299) {
            response.resume();
            throw new FeedFetchError(`The feed answered HTTP ${status}.`);
          }
          return await readBody(response, options.maxBytes);
        }
      } catch (error) {
        if (signal.aborted) {
          throw new FeedFetchError(`The feed did not answer in full within ${seconds} seconds.`);
        }
        if (error instanceof FeedFetchError) throw error;
        const { code, message } = error as NodeJS.ErrnoException;
        throw new FeedFetchError(`The feed could not be fetched: ${code ?? message}.`);
      }
    },
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
async function readBody(response: IncomingMessage, maxBytes: number): Promise<FeedResponse> {
  const tooLarge = () =>
    new FeedFetchError(`The feed is larger than ${maxBytes.toLocaleString('en')} bytes; it was not read.`);
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
  const etag = response.headers.etag;
  const lastModified = response.headers['last-modified'];
  return {
    status: 'ok',
    body: decodeText(Buffer.concat(chunks), response.headers['content-type']),
    ...(etag !== undefined && { etag }),
    ...(lastModified !== undefined && { lastModified }),
  };
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
