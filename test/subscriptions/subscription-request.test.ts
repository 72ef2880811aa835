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
      topics: [{ query: 'Iran AND Iraq', frequency: 'daily' }],
      frequency: 'daily',
      timezone: 'Asia/Tokyo',
      digestHour: 6,
      digestWeekday: 'monday',
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
      topics: [
        { query: 'Iran', frequency: 'instant' },
        { query: '"Qassem Soleimani"', frequency: 'instant' },
      ],
      frequency: 'instant',
      timezone: 'UTC',
      digestHour: 7,
      digestWeekday: 'monday',
    });
  });

  it('takes topics as {query, frequency} objects beside plain strings, and a weekday for weekly digests', () => {
    expect(
      parseSubscriptionRequest({
        email: 'a@b.org',
        topics: ['Iran', { query: 'Gaza -football', frequency: 'weekly' }, { query: 'Iraq' }],
        frequency: 'daily',
        digestHour: 18,
        digestWeekday: 'Friday',
      }),
    ).toMatchObject({
      topics: [
        { query: 'Iran', frequency: 'daily' },
        { query: 'Gaza -football', frequency: 'weekly' },
        { query: 'Iraq', frequency: 'daily' },
      ],
      digestHour: 18,
      digestWeekday: 'friday',
    });
  });

  it('keeps one topic per query: the last frequency given for it wins', () => {
    expect(
      parseSubscriptionRequest({
        email: 'a@b.org',
        topics: ['quokka', { query: 'quokka', frequency: 'weekly' }],
      }).topics,
    ).toEqual([{ query: 'quokka', frequency: 'weekly' }]);
  });

  it('allows 25 topics by default, and as many as configured', () => {
    const topics = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
    expect(parseSubscriptionRequest({ email: 'a@b.org', topics: topics(25) }).topics).toHaveLength(25);
    expect(() => parseSubscriptionRequest({ email: 'a@b.org', topics: topics(26) })).toThrow(
      'Give at most 25 topics.',
    );
    expect(() => parseSubscriptionRequest({ email: 'a@b.org', topics: topics(6) }, { maxTopics: 5 })).toThrow(
      'Give at most 5 topics.',
    );
  });

  it.each([
    [{ topics: ['Iran'] }, 'invalid_email'],
    [{ email: 'a@b', topics: ['Iran'] }, 'invalid_email'],
    [{ email: 'a@b.org' }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: [] }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: [3] }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: Array.from({ length: 26 }, (_, i) => `t${i}`) }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: [{ frequency: 'daily' }] }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: [{ query: 'Iran', frequency: 'hourly' }] }, 'invalid_frequency'],
    [{ email: 'a@b.org', topics: [['Iran']] }, 'invalid_topics'],
    [{ email: 'a@b.org', topics: [{ query: 'x'.repeat(501) }] }, 'invalid_query'],
    [{ email: 'a@b.org', topics: ['<script>alert(1)</script> ('] }, 'invalid_query'],
    [{ email: 'a@b.org', topics: ['Iran'], digestWeekday: 'someday' }, 'invalid_digest_weekday'],
    [{ email: 'a@b.org', topics: ['Iran'], digestWeekday: 3 }, 'invalid_digest_weekday'],
    [{ email: 'a@b.org', topics: ['Iran'], digestHour: '7am' }, 'invalid_digest_hour'],
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
