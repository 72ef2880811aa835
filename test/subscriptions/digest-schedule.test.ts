import { describe, expect, it } from 'vitest';
import { duePeriodKey, isoWeek, localTime, periodLabel } from '../../lib/subscriptions/digest-schedule';

describe('digest timing in the subscriber’s local time', () => {
  it('reads the local date and hour across zones and DST', () => {
    expect(localTime(new Date('2026-11-27T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({
      date: '2026-11-28',
      hour: 8,
    });
    expect(localTime(new Date('2026-07-01T06:00:00Z'), 'Europe/London')).toMatchObject({ hour: 7 });
    expect(localTime(new Date('2026-12-01T06:00:00Z'), 'Europe/London')).toMatchObject({ hour: 6 });
  });

  it('is due only in the digest hour, weekly only on Mondays', () => {
    const sub = { timezone: 'Europe/London', digestHour: 7 };
    expect(duePeriodKey(sub, 'daily', new Date('2026-11-27T07:10:00Z'))).toBe('2026-11-27');
    expect(duePeriodKey(sub, 'daily', new Date('2026-11-27T08:10:00Z'))).toBeUndefined();
    expect(duePeriodKey(sub, 'weekly', new Date('2026-11-27T07:10:00Z'))).toBeUndefined(); // a Friday
    expect(duePeriodKey(sub, 'weekly', new Date('2026-11-30T07:10:00Z'))).toBe('2026-W49');
    expect(duePeriodKey(sub, 'weekly', new Date('2026-11-27T15:00:00Z'), true)).toBe('2026-W48');
  });

  it('sends weekly digests on the weekday the subscriber chose, in their zone', () => {
    const friday = { timezone: 'Asia/Tokyo', digestHour: 18, digestWeekday: 'friday' } as const;
    // 09:00 UTC on Friday 27 November is 18:00 in Tokyo.
    expect(duePeriodKey(friday, 'weekly', new Date('2026-11-27T09:05:00Z'))).toBe('2026-W48');
    expect(duePeriodKey(friday, 'weekly', new Date('2026-11-30T09:05:00Z'))).toBeUndefined(); // Monday
    // 23:30 UTC on Thursday 26 November is already Friday 08:30 in Tokyo, but not 18:00.
    expect(duePeriodKey(friday, 'weekly', new Date('2026-11-26T23:30:00Z'))).toBeUndefined();
    const sundayMorning = { timezone: 'America/New_York', digestHour: 6, digestWeekday: 'sunday' } as const;
    // 11:00 UTC on Sunday 29 November is 06:00 in New York.
    expect(duePeriodKey(sundayMorning, 'weekly', new Date('2026-11-29T11:00:00Z'))).toBe('2026-W48');
  });

  it('numbers ISO weeks at year boundaries', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
  });
});

describe('digest period labels', () => {
  it('names a day and an ISO week in words', () => {
    expect(periodLabel('daily', '2026-11-27')).toBe('27 Nov 2026');
    expect(periodLabel('weekly', '2026-W48')).toBe('23 Nov – 29 Nov 2026');
    expect(periodLabel('weekly', '2026-W53')).toBe('28 Dec – 3 Jan 2027');
  });
});
