import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import { feedIdOf, isFeedId, newFeed, parseFeedRegistration } from '../../lib/feeds/feed';

function refused(body: Record<string, unknown>): ValidationError {
  try {
    parseFeedRegistration(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('parseFeedRegistration', () => {
  it('makes the URL canonical, so two spellings of one feed are one registration', () => {
    const a = parseFeedRegistration({ url: 'HTTPS://Tide.Example:443/rss?utm_source=x#top' });
    const b = parseFeedRegistration({ url: 'https://tide.example/rss' });
    expect(a).toEqual({ url: 'https://tide.example/rss' });
    expect(newFeed(a, new Date()).id).toBe(newFeed(b, new Date()).id);
  });

  it('keeps the source name and time zone, trimmed', () => {
    expect(
      parseFeedRegistration({
        url: 'https://tide.example/rss',
        sourceName: ' Tide Times ',
        timezone: 'Asia/Tokyo',
      }),
    ).toEqual({ url: 'https://tide.example/rss', sourceName: 'Tide Times', timezone: 'Asia/Tokyo' });
  });

  it.each([
    [{}, 'invalid_feed_url', /"url" is required/],
    [{ url: '   ' }, 'invalid_feed_url', /"url" is required/],
    [{ url: 42 }, 'invalid_feed_url', /must be a string/],
    [{ url: '/relative/rss' }, 'invalid_feed_url', /absolute http\(s\) URL/],
    [{ url: 'ftp://tide.example/rss' }, 'invalid_feed_url', /"ftp:" links/],
    [{ url: 'file:///etc/passwd' }, 'invalid_feed_url', /"file:" links/],
    [{ url: 'https://editor:secret@tide.example/rss' }, 'invalid_feed_url', /user name or password/],
    [{ url: `https://tide.example/${'a'.repeat(2030)}` }, 'invalid_feed_url', /at most 2048/],
    [{ url: 'https://tide.example/rss', sourceName: 'x'.repeat(201) }, 'invalid_source_name', /at most 200/],
    [{ url: 'https://tide.example/rss', sourceName: 7 }, 'invalid_source_name', /must be a string/],
    [{ url: 'https://tide.example/rss', timezone: 'Mars/Olympus_Mons' }, 'invalid_timezone', /IANA/],
    [{ url: 'https://tide.example/rss', timezone: 'GMT+25' }, 'invalid_timezone', /IANA/],
  ])('refuses a body (case %#) with %s', (body, code, message) => {
    const error = refused(body);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('accepts a source name of exactly 200 characters and a URL of exactly 2,048', () => {
    const url = `https://tide.example/${'a'.repeat(2048 - 'https://tide.example/'.length)}`;
    expect(parseFeedRegistration({ url, sourceName: 'é'.repeat(200) }).sourceName).toHaveLength(200);
  });
});

describe('feed ids', () => {
  it('are 24 hex digits of the URL, and nothing else passes for one', () => {
    const id = feedIdOf('https://tide.example/rss');
    expect(isFeedId(id)).toBe(true);
    expect(id).not.toBe(feedIdOf('https://tide.example/rss2'));
    for (const bad of [undefined, '', 'ABCDEF0123456789abcdef01', `${id}0`, '../../etc', 'FEEDS']) {
      expect(isFeedId(bad), String(bad)).toBe(false);
    }
  });
});
