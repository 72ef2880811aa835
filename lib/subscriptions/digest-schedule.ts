import { ValidationError } from '../errors';
import { DEFAULT_DIGEST_WEEKDAY, type DigestPeriod, type Subscriber, WEEKDAYS } from './model';

interface LocalTime {
  readonly date: string;
  readonly hour: number;
  readonly weekday: number;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    weekday: weekdays.indexOf(parts.weekday ?? ''),
  };
}

/** ISO-8601 week of a calendar date, e.g. 2026-W48: the key that makes a weekly digest happen once. */
export function isoWeek(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** What the zone's clocks read at `at`, as milliseconds of a UTC date with the same fields. */
function wallClock(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    wallFormat(timeZone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const fields = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return fields + (((at % 1000) + 1000) % 1000);
}

const DAY_MS = 86_400_000;

/**
 * The instant a local wall time (`date` at `hour`:00) happens in `timeZone`. On a fall-back day, when that
 * time happens twice, the first; on a spring-forward day, when it does not happen at all, the moment the
 * clocks jump (the next valid local time: 03:00 for a 02:00 that London skips, 02:30 on Lord Howe).
 */
export function localSlot(date: string, hour: number, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour);
  // The offsets in force a day either side: a zone changes its clocks at most once in between.
  const offsets = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((t) => wallClock(t, timeZone) - t))];
  const exact = offsets.map((o) => wall - o).filter((t) => wallClock(t, timeZone) === wall);
  if (exact.length > 0) return new Date(Math.min(...exact));
  // A gap: the first instant whose local time is at or past the slot is when the clocks jump.
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

type DigestSchedule = Pick<Subscriber, 'timezone' | 'digestHour' | 'digestWeekday'>;

const addDays = (date: string, days: number) =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** The digests a slot on this local date sends: daily ones every day, weekly ones on the chosen weekday. */
export function periodsOn(
  schedule: DigestSchedule,
  periods: readonly DigestPeriod[],
  date: string,
): DigestPeriod[] {
  const weekday = WEEKDAYS.indexOf(schedule.digestWeekday ?? DEFAULT_DIGEST_WEEKDAY);
  const onWeekday = new Date(`${date}T00:00:00Z`).getUTCDay() === weekday;
  return periods.filter((period) => period === 'daily' || onWeekday);
}

/** Digest slots around `at`, in order: local dates from two days before to nine after. */
function* slotsAround(
  schedule: DigestSchedule,
  periods: readonly DigestPeriod[],
  at: Date,
  reverse: boolean,
) {
  const today = localTime(at, schedule.timezone).date;
  const offsets = Array.from({ length: 12 }, (_, i) => i - 2);
  for (const days of reverse ? offsets.reverse() : offsets) {
    const date = addDays(today, days);
    const due = periodsOn(schedule, periods, date);
    if (due.length > 0)
      yield { date, at: localSlot(date, schedule.digestHour, schedule.timezone), periods: due };
  }
}

/** One digest slot: the local date, the instant it is due and the digests it sends. */
export interface DigestSlot {
  readonly date: string;
  readonly at: Date;
  readonly periods: readonly DigestPeriod[];
}

/**
 * The first digest slot strictly after `after`, for a subscriber with digests of `periods`; undefined
 * without any. Strictly after: the slot just served is never due again, even when a fall-back day repeats
 * its hour.
 */
export function nextDigestSlot(
  schedule: DigestSchedule,
  periods: readonly DigestPeriod[],
  after: Date,
): DigestSlot | undefined {
  for (const slot of slotsAround(schedule, periods, after, false)) {
    if (slot.at.getTime() > after.getTime()) return slot;
  }
  return undefined;
}

/** The latest digest slot at or before `at`: the one a late run catches up on, however many it missed. */
export function lastDigestSlot(
  schedule: DigestSchedule,
  periods: readonly DigestPeriod[],
  at: Date,
): DigestSlot | undefined {
  for (const slot of slotsAround(schedule, periods, at, true)) {
    if (slot.at.getTime() <= at.getTime()) return slot;
  }
  return undefined;
}

/** The digest periods a set of topics asks for, daily first. */
export function digestPeriodsOf(topics: readonly { readonly frequency: string }[]): DigestPeriod[] {
  return (['daily', 'weekly'] as const).filter((period) => topics.some((t) => t.frequency === period));
}

/** The period key a slot's digest is filed under: the local day, or its ISO week for a weekly one. */
export function slotPeriodKey(slot: Pick<DigestSlot, 'date' | 'periods'>): {
  period: DigestPeriod;
  periodKey: string;
} {
  return slot.periods.includes('weekly')
    ? { period: 'weekly', periodKey: isoWeek(slot.date) }
    : { period: 'daily', periodKey: slot.date };
}

const formatDay = (d: Date, withYear: boolean) =>
  d.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  });

/** What a reader sees for a period key: "27 Nov 2026" for a day, "23 Nov – 29 Nov 2026" for a week. */
export function periodLabel(period: DigestPeriod, key: string): string {
  if (period === 'daily') return formatDay(new Date(`${key}T00:00:00Z`), true);
  const [year, week] = key.split('-W').map(Number) as [number, number];
  // ISO week 1 is the week with 4 January in it.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(
    jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * 86_400_000 + (week - 1) * 7 * 86_400_000,
  );
  const sunday = new Date(monday.getTime() + 6 * 86_400_000);
  return `${formatDay(monday, false)} – ${formatDay(sunday, true)}`;
}

/** An instant the way an operator writes one: a date and time with its zone (`Z` or `+01:00`). */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$/;

/**
 * The instant a digest run takes as now (`tidings digest run --at`). Only a full ISO-8601 instant with its
 * zone: "2026-12-01 07:00" would mean a different moment on every machine.
 */
export function parseRunInstant(text: string): Date {
  const at = new Date(text);
  if (!ISO_INSTANT.test(text) || Number.isNaN(at.getTime())) {
    throw new ValidationError(
      'invalid_instant',
      `"${text}" is not an ISO-8601 instant with its zone; write it like 2026-12-01T07:00:00Z or 2026-12-01T08:00:00+01:00.`,
    );
  }
  return at;
}
