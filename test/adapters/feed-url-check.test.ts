import { describe, expect, it } from 'vitest';
import { makeDnsFeedUrlCheck } from '../../lib/adapters/http/feed-url-check';
import { ValidationError } from '../../lib/errors';
import { isPublicAddress } from '../../lib/feeds/address-policy';
import { FeedUrlNotAllowedError } from '../../lib/feeds/errors';

const dns: Record<string, string[]> = {
  'news.example': ['93.184.215.14', '2606:2800:220:1:248:1893:25c8:1946'],
  'intranet.example': ['10.20.30.40'],
  'metadata.example': ['169.254.169.254'],
  'sneaky.example': ['93.184.215.14', '::ffff:127.0.0.1'],
};
const resolve = async (host: string) => {
  const addresses = dns[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address }));
};
const check = makeDnsFeedUrlCheck(isPublicAddress, resolve);

async function refusal(url: string) {
  const error = await check.assertAllowed(url).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, url).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('registration check of a feed URL on AWS', () => {
  it('accepts a host whose every address is public', async () => {
    await expect(check.assertAllowed('https://news.example/rss')).resolves.toBeUndefined();
    await expect(check.assertAllowed('http://8.8.8.8/feed')).resolves.toBeUndefined();
  });

  it.each([
    ['http://intranet.example/feed', '10.20.30.40'],
    ['http://metadata.example/latest/', '169.254.169.254'],
    ['http://sneaky.example/feed', '::ffff:127.0.0.1'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://2130706433/feed', '127.0.0.1'],
    ['http://0x7f.1/feed', '127.0.0.1'],
    ['http://[::1]/feed', '::1'],
    ['http://[fd00::5]/feed', 'fd00::5'],
  ])('refuses %s, which is or resolves to %s', async (url, address) => {
    const error = await refusal(url);
    expect(error).toBeInstanceOf(FeedUrlNotAllowedError);
    expect(error.code).toBe('feed_url_not_allowed');
    expect(error.message).toContain(address);
  });

  it('refuses a host that does not resolve, with its own code', async () => {
    const error = await refusal('https://nowhere.example/rss');
    expect(error.code).toBe('feed_host_not_found');
    expect(error.message).toBe("The feed's host nowhere.example could not be resolved; check the URL.");
  });
});
