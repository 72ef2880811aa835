import { lookup } from 'node:dns/promises';
import { ValidationError } from '../../errors';
import { literalAddressOf } from '../../feeds/address-policy';
import { FeedUrlNotAllowedError } from '../../feeds/errors';
import type { FeedUrlCheck } from '../../ports';

const notAllowed = (host: string, address: string) =>
  new FeedUrlNotAllowedError(
    `The feed's host ${host} is or resolves to ${address}, which is not a public address; only feeds on public hosts can be registered.`,
  );

/**
 * Registration's check of a feed URL's host, by what it resolves to now. Every fetch checks again (see the
 * fetcher), since DNS may answer differently later.
 */
export function makeDnsFeedUrlCheck(
  allowAddress: (address: string) => boolean,
  resolve: (host: string) => Promise<readonly { address: string }[]> = (host) => lookup(host, { all: true }),
): FeedUrlCheck {
  return {
    async assertAllowed(feedUrl) {
      const url = new URL(feedUrl);
      const literal = literalAddressOf(url);
      if (literal !== undefined) {
        if (!allowAddress(literal)) throw notAllowed(url.hostname, literal);
        return;
      }
      let addresses: readonly { address: string }[];
      try {
        addresses = await resolve(url.hostname);
      } catch {
        throw new ValidationError(
          'feed_host_not_found',
          `The feed's host ${url.hostname} could not be resolved; check the URL.`,
        );
      }
      const bad = addresses.find((a) => !allowAddress(a.address));
      if (bad) throw notAllowed(url.hostname, bad.address);
    },
  };
}

/** The local stack's check: every address is allowed, so feeds served on this machine can be registered. */
export const anyFeedUrl: FeedUrlCheck = { assertAllowed: async () => {} };
