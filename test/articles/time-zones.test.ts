import { describe, expect, it } from 'vitest';
import { normaliseArticle, parseJsonArticle, parseWireCopy } from '../../lib/articles';
import { canonicalTimeZone, zonedTimeToUtc } from '../../lib/articles/time-zones';
import { ValidationError } from '../../lib/errors';

const NOW = new Date('2025-01-20T08:00:00Z');
const BODY = 'Ferry crews on the Solent walked out at dawn over a new rota. Sailings resume on Tuesday.';
const wall = (iso: string) => {
  const [date = '', time = '00:00'] = iso.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  return {
    year: year ?? 0,
    month: month ?? 0,
    day: day ?? 0,
    hour: hour ?? 0,
    minute: minute ?? 0,
    second: 0,
    millis: 0,
  };
};
const utc = (iso: string, zone: string) => zonedTimeToUtc(wall(iso), zone).toISOString();

describe('wall-clock time in an IANA zone', () => {
  it.each([
    [
      'a London summer afternoon is an hour behind in UTC',
      '2024-07-10T15:52',
      'Europe/London',
      '2024-07-10T14:52:00.000Z',
    ],
    ['a London winter afternoon is UTC', '2024-12-10T15:52', 'Europe/London', '2024-12-10T15:52:00.000Z'],
    ['Paris in summer is UTC+2', '2024-09-11T15:52', 'Europe/Paris', '2024-09-11T13:52:00.000Z'],
    ['Paris in winter is UTC+1', '2024-01-11T15:52', 'Europe/Paris', '2024-01-11T14:52:00.000Z'],
    ['New York in summer is UTC−4', '2024-09-11T15:52', 'America/New_York', '2024-09-11T19:52:00.000Z'],
    ['New York in winter is UTC−5', '2024-02-11T15:52', 'America/New_York', '2024-02-11T20:52:00.000Z'],
    ['a half-hour zone', '2024-09-11T15:52', 'Asia/Kolkata', '2024-09-11T10:22:00.000Z'],
    [
      'New York just before midnight on the spring change day',
      '2024-03-10T23:30',
      'America/New_York',
      '2024-03-11T03:30:00.000Z',
    ],
  ])('%s', (_name, local, zone, expected) => {
    expect(utc(local, zone)).toBe(expected);
  });

  it('reads a time in the hour clocks skip as if they had not gone forward yet: it lands that far after', () => {
    // London goes from 01:00 GMT to 02:00 BST on 31 March 2024: 01:30 never shows on a clock there.
    expect(utc('2024-03-31T01:30', 'Europe/London')).toBe('2024-03-31T01:30:00.000Z');
    // New York skips 02:00–03:00 on 10 March 2024.
    expect(utc('2024-03-10T02:30', 'America/New_York')).toBe('2024-03-10T07:30:00.000Z');
    // The minutes either side of the gap are exact.
    expect(utc('2024-03-31T00:59', 'Europe/London')).toBe('2024-03-31T00:59:00.000Z');
    expect(utc('2024-03-31T02:00', 'Europe/London')).toBe('2024-03-31T01:00:00.000Z');
  });

  it('reads a time that happens twice, as clocks go back, as its first occurrence, still in summer time', () => {
    // London shows 01:00–02:00 twice on 27 October 2024: first in BST (00:xx UTC), then in GMT.
    expect(utc('2024-10-27T01:30', 'Europe/London')).toBe('2024-10-27T00:30:00.000Z');
    expect(utc('2024-11-03T01:30', 'America/New_York')).toBe('2024-11-03T05:30:00.000Z');
    expect(utc('2024-10-27T02:00', 'Europe/London')).toBe('2024-10-27T02:00:00.000Z');
  });

  it('knows zones by their IANA names in any case, and nothing else', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
  });
});

describe('the zone of an article’s publication time', () => {
  const zones = new Map([
    ['afp', 'Europe/Paris'],
    ['reuters', 'Europe/London'],
  ]);
  const wire = (published: string, credit = 'AFP') =>
    parseWireCopy(`date 2024-09-11 Ferries wait at the quay. ${credit}\nPublished: ${published}\n\n${BODY}`);

  it('uses the zone configured for the credit of wire copy, matching its name in any case', () => {
    const article = normaliseArticle(wire('Wed 11 Sep 2024, 3:52 PM', 'AFP'), NOW, undefined, zones);
    expect(article).toMatchObject({
      publishedAt: '2024-09-11T13:52:00.000Z',
      publishedZone: 'Europe/Paris',
      publishedZoneSource: 'source',
    });
  });

  it('uses the zone configured for a JSON article’s source', () => {
    const input = parseJsonArticle({ text: BODY, source: 'REUTERS', publishedAt: '2024-07-01T09:00' });
    expect(normaliseArticle(input, NOW, undefined, zones)).toMatchObject({
      publishedAt: '2024-07-01T08:00:00.000Z',
      publishedZone: 'Europe/London',
      publishedZoneSource: 'source',
    });
  });

  it('prefers the article’s own timezone to its source’s, and applies it to the update time too', () => {
    const input = parseJsonArticle({
      text: BODY,
      source: 'AFP',
      timezone: 'america/new_york',
      publishedAt: '2024-09-11T15:52',
    });
    const article = normaliseArticle({ ...input, updatedAt: '2024-09-11T16:10' }, NOW, undefined, zones);
    expect(article).toMatchObject({
      publishedAt: '2024-09-11T19:52:00.000Z',
      updatedAt: '2024-09-11T20:10:00.000Z',
      publishedZone: 'America/New_York',
      publishedZoneSource: 'article',
    });
  });

  it('prefers a zone the copy itself names over both', () => {
    const article = normaliseArticle(
      { ...wire('Wed 11 Sep 2024, 3:52 PM BST'), timezone: 'Asia/Tokyo' },
      NOW,
      undefined,
      zones,
    );
    expect(article.publishedAt).toBe('2024-09-11T14:52:00.000Z');
    expect(article.publishedZoneSource).toBe('timestamp');
    expect(article).not.toHaveProperty('publishedZone');
  });

  it('records that it assumed UTC when nothing names a zone', () => {
    const article = normaliseArticle(wire('Wed 11 Sep 2024, 3:52 PM', 'Xinhua'), NOW, undefined, zones);
    expect(article.publishedAt).toBe('2024-09-11T15:52:00.000Z');
    expect(article.publishedZoneSource).toBe('assumed-utc');
    expect(article).not.toHaveProperty('publishedZone');
  });

  it('keeps a date without a time on its day, midnight UTC, whatever the zone', () => {
    const article = normaliseArticle(
      parseJsonArticle({ text: BODY, publishedAt: '2024-09-11' }),
      NOW,
      undefined,
      zones,
    );
    expect(
      normaliseArticle({ text: BODY, publishedAt: '2024-09-11', timezone: 'Asia/Tokyo' }, NOW).publishedAt,
    ).toBe('2024-09-11T00:00:00.000Z');
    expect(article.publishedZoneSource).toBe('assumed-utc');
  });

  it('records no zone for an undated article, dated at its ingest time', () => {
    const article = normaliseArticle({ text: BODY, timezone: 'Europe/Paris' }, NOW);
    expect(article.publishedAt).toBe(NOW.toISOString());
    expect(article).not.toHaveProperty('publishedZoneSource');
    expect(article).not.toHaveProperty('publishedZone');
  });

  it('refuses a timezone nobody knows, naming it, from JSON and from any other caller', () => {
    const message =
      '"timezone" must be an IANA time zone such as "Europe/Paris"; "Europe/Atlantis" is not one.';
    expect(() => parseJsonArticle({ text: BODY, timezone: 'Europe/Atlantis' })).toThrow(
      new ValidationError('invalid_article', message),
    );
    expect(() => normaliseArticle({ text: BODY, timezone: 'Europe/Atlantis' }, NOW)).toThrow(message);
    expect(() => parseJsonArticle({ text: BODY, timezone: 3 })).toThrow(
      '"timezone" must be a string, not a number.',
    );
  });
});

describe('zones named in wire copy', () => {
  it.each([
    ['Wed 11 Sep 2024, 3:52 PM GMT', '2024-09-11T15:52:00.000Z'],
    ['Wed 11 Sep 2024, 3:52 PM UTC', '2024-09-11T15:52:00.000Z'],
    ['Wed 11 Sep 2024, 3:52 PM BST', '2024-09-11T14:52:00.000Z'],
    ['Wed 11 Sep 2024, 15:52 CEST', '2024-09-11T13:52:00.000Z'],
    ['Wed 11 Sep 2024, 15:52 +0300', '2024-09-11T12:52:00.000Z'],
    ['Wed 11 Sep 2024, 15:52 -05:00', '2024-09-11T20:52:00.000Z'],
    ['Wed 11 Sep 2024, 3:52 PM (GMT+3)', '2024-09-11T12:52:00.000Z'],
    ['Wed 11 Sep 2024, 10:52 AM EDT', '2024-09-11T14:52:00.000Z'],
  ])('Published: %s', (published, expected) => {
    const copy = parseWireCopy(`Published: ${published}\n\n${BODY}`);
    expect(normaliseArticle(copy, NOW)).toMatchObject({
      publishedAt: expected,
      publishedZoneSource: 'timestamp',
    });
  });

  it.each([
    'Wed 11 Sep 2024, 3:52 PM IST',
    'Wed 11 Sep 2024, 3:52 PM CET +1',
    'Wed 11 Sep 2024, 3:52 PM +25',
  ])('refuses a zone it cannot read for sure: %s', (published) => {
    expect(() => parseWireCopy(`Published: ${published}\n\n${BODY}`)).toThrow(/Could not read the date/);
  });
});
