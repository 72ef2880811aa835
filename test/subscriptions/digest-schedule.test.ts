import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import {
  type DigestSlot,
  isoWeek,
  lastDigestSlot,
  localSlot,
  localTime,
  nextDigestSlot,
  parseRunInstant,
  periodLabel,
  slotPeriodKey,
} from '../../lib/subscriptions/digest-schedule';

describe('digest timing in the subscriber’s local time', () => {
  it('reads the local date and hour across zones and DST', () => {
    expect(localTime(new Date('2026-11-27T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({
      date: '2026-11-28',
      hour: 8,
    });
    expect(localTime(new Date('2026-07-01T06:00:00Z'), 'Europe/London')).toMatchObject({ hour: 7 });
    expect(localTime(new Date('2026-12-01T06:00:00Z'), 'Europe/London')).toMatchObject({ hour: 6 });
  });

  it('sends weekly digests on the weekday the subscriber chose, in their zone', () => {
    const friday = { timezone: 'Asia/Tokyo', digestHour: 18, digestWeekday: 'friday' } as const;
    // 09:00 UTC on Friday 27 November is 18:00 in Tokyo; from Thursday night the next weekly is that one.
    expect(nextDigestSlot(friday, ['weekly'], new Date('2026-11-26T23:30:00Z'))).toEqual({
      date: '2026-11-27',
      at: new Date('2026-11-27T09:00:00Z'),
      periods: ['weekly'],
    });
    const sundayMorning = { timezone: 'America/New_York', digestHour: 6, digestWeekday: 'sunday' } as const;
    const sunday = nextDigestSlot(sundayMorning, ['daily', 'weekly'], new Date('2026-11-29T10:00:00Z'));
    expect(sunday).toMatchObject({ at: new Date('2026-11-29T11:00:00Z'), periods: ['daily', 'weekly'] });
    expect(slotPeriodKey(sunday as DigestSlot)).toEqual({ period: 'weekly', periodKey: '2026-W48' });
    // Subscribers from before the weekday was a choice get Monday.
    const monday = nextDigestSlot(
      { timezone: 'UTC', digestHour: 7 },
      ['weekly'],
      new Date('2026-11-27T08:00:00Z'),
    );
    expect(monday?.date).toBe('2026-11-30');
  });

  it('finds the slot a late run catches up on: the latest one, not every one it missed', () => {
    const sub = { timezone: 'Europe/London', digestHour: 7 };
    expect(lastDigestSlot(sub, ['daily'], new Date('2026-11-29T06:00:00Z'))?.at).toEqual(
      new Date('2026-11-28T07:00:00Z'),
    );
    expect(lastDigestSlot(sub, ['daily'], new Date('2026-11-29T07:00:00Z'))?.at).toEqual(
      new Date('2026-11-29T07:00:00Z'),
    );
    expect(lastDigestSlot(sub, [], new Date('2026-11-29T07:00:00Z'))).toBeUndefined();
  });

  it.each([
    // London skips 01:00–02:00 on 29 March: the 01:00 digest goes at 02:00 BST, once.
    ['Europe/London', '2026-03-29', 1, '2026-03-29T01:00:00Z'],
    // …and has 01:00–02:00 twice on 25 October: the first one.
    ['Europe/London', '2026-10-25', 1, '2026-10-25T00:00:00Z'],
    ['America/New_York', '2026-03-08', 2, '2026-03-08T07:00:00Z'],
    ['America/New_York', '2026-11-01', 1, '2026-11-01T05:00:00Z'],
    // Lord Howe moves its clocks by 30 minutes: 02:00 on 4 October does not exist, 02:30 comes instead.
    ['Australia/Lord_Howe', '2026-10-04', 2, '2026-10-03T15:30:00Z'],
    ['Australia/Lord_Howe', '2026-04-05', 1, '2026-04-04T14:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-05', 2, '2026-04-04T15:30:00Z'],
    ['Asia/Kathmandu', '2026-06-01', 7, '2026-06-01T01:15:00Z'],
  ])('puts %s %s at %i:00 at %s', (zone, date, hour, instant) => {
    expect(localSlot(date, hour, zone).toISOString()).toBe(new Date(instant).toISOString());
  });
});

const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'] as const;
const wall = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);

describe('digest slots over whole years, in zones with and without DST', () => {
  const anyInstant = fc.date({
    min: new Date('2025-01-01T00:00:00Z'),
    max: new Date('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  });

  it('is next strictly after the instant, within a day, at the chosen hour or the first valid time after it', () => {
    fc.assert(
      fc.property(
        anyInstant,
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        (at, timezone, hour) => {
          const sub = { timezone, digestHour: hour };
          const next = nextDigestSlot(sub, ['daily'], at);
          if (!next) return false;
          const wait = next.at.getTime() - at.getTime();
          const slotWall = `${next.date} ${String(hour).padStart(2, '0')}:00`;
          const local = wall(next.at, timezone);
          const justBefore = wall(new Date(next.at.getTime() - 60_000), timezone);
          // Either the clocks read the slot, or they jumped over it at this very instant.
          const onTime = local === slotWall || (local > slotWall && justBefore < slotWall);
          return wait > 0 && wait <= 26 * 3_600_000 && onTime;
        },
      ),
    );
  });

  it('the last slot at or before an instant is the one just before the next', () => {
    fc.assert(
      fc.property(
        anyInstant,
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        (at, timezone, hour) => {
          const sub = { timezone, digestHour: hour };
          const last = lastDigestSlot(sub, ['daily'], at);
          const next = nextDigestSlot(sub, ['daily'], at);
          return (
            last !== undefined &&
            last.at <= at &&
            nextDigestSlot(sub, ['daily'], last.at)?.at.getTime() === next?.at.getTime()
          );
        },
      ),
    );
  });

  it.each(zones)('sends one daily digest per local day all year in %s, DST days included', (timezone) => {
    for (const hour of [0, 1, 2, 3, 7, 23]) {
      const sub = { timezone, digestHour: hour };
      let slot = nextDigestSlot(sub, ['daily'], new Date('2026-01-01T12:00:00Z'));
      const dates: string[] = [];
      while (slot && slot.date < '2027-01-01') {
        dates.push(slot.date);
        slot = nextDigestSlot(sub, ['daily'], slot.at);
      }
      // Every date once, in order: none skipped on a spring-forward day, none twice on a fall-back day.
      expect(new Set(dates).size).toBe(dates.length);
      expect(dates.length).toBeGreaterThanOrEqual(363);
      for (let i = 1; i < dates.length; i++) {
        const gap = (Date.parse(dates[i] as string) - Date.parse(dates[i - 1] as string)) / 86_400_000;
        expect(gap).toBe(1);
      }
    }
  });

  it('sends weekly digests every seven local days on the chosen weekday', () => {
    const sub = { timezone: 'Australia/Lord_Howe', digestHour: 2, digestWeekday: 'sunday' } as const;
    let slot = nextDigestSlot(sub, ['weekly'], new Date('2026-01-01T00:00:00Z'));
    let count = 0;
    while (slot && slot.date < '2027-01-01') {
      expect(new Date(`${slot.date}T00:00:00Z`).getUTCDay()).toBe(0);
      count++;
      slot = nextDigestSlot(sub, ['weekly'], slot.at);
    }
    expect(count).toBe(52);
  });
  it('numbers ISO weeks at year boundaries', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
  });
});

describe('the instant an operator runs digests as of', () => {
  it('takes ISO-8601 instants with their zone, and names anything else', () => {
    expect(parseRunInstant('2026-12-01T07:00:00Z').toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(parseRunInstant('2026-12-01T08:00+01:00').toISOString()).toBe('2026-12-01T07:00:00.000Z');
    for (const bad of ['2026-12-01 07:00', '2026-12-01T07:00', 'tomorrow', '2026-13-01T07:00:00Z']) {
      expect(() => parseRunInstant(bad), bad).toThrow(ValidationError);
    }
  });
});

describe('digest period labels', () => {
  it('names a day and an ISO week in words', () => {
    expect(periodLabel('daily', '2026-11-27')).toBe('27 Nov 2026');
    expect(periodLabel('weekly', '2026-W48')).toBe('23 Nov – 29 Nov 2026');
    expect(periodLabel('weekly', '2026-W53')).toBe('28 Dec – 3 Jan 2027');
  });
});
