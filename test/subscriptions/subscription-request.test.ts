import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import { parseSubscriptionRequest } from '../../lib/subscriptions/subscription-request';

describe('subscription requests', () => {
  it('accepts JSON and normalises the address', () => {
    expect(
      parseSubscriptionRequest({
        email: ' Alice@Example.COM ',
        topics: ['Iran AND Iraq'],
        frequency: 'daily',
        timezone: 'Asia/Tokyo',
        digestHour: 6,
      }),
    ).toEqual({
      email: 'alice@example.com',
      topics: ['Iran AND Iraq'],
      frequency: 'daily',
      timezone: 'Asia/Tokyo',
      digestHour: 6,
    });
  });

  it('accepts the form post: topics one per line, hour as text, defaults for the rest', () => {
    expect(
      parseSubscriptionRequest({
        email: 'a@b.org',
        topics: 'Iran\r\n\r\n"Qassem Soleimani"\n',
        digestHour: '',
      }),
    ).toEqual({
      email: 'a@b.org',
      topics: ['Iran', '"Qassem Soleimani"'],
      frequency: 'instant',
      timezone: 'UTC',
      digestHour: 7,
    });
  });

  it.each([
    [{ topics: ['Iran'] }, 'invalid_email'],
    [{ email: 'a@b', topics: ['Iran'] }, 'invalid_email'],
    [{ email: 'a@b.org' }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: [] }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: [3] }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: ['Iran ('] }, 'invalid_query'],
    [{ email: 'a@b.org', topics: ['Iran'], frequency: 'hourly' }, 'invalid_frequency'],
    [{ email: 'a@b.org', topics: ['Iran'], timezone: 'Mars/Olympus' }, 'invalid_timezone'],
    [{ email: 'a@b.org', topics: ['Iran'], digestHour: 24 }, 'invalid_digest_hour'],
    [{ email: 'a@b.org', topics: ['Iran'], digestHour: 7.5 }, 'invalid_digest_hour'],
  ])('rejects %j with %s', (body, code) => {
    try {
      parseSubscriptionRequest(body);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe(code);
    }
  });
});
