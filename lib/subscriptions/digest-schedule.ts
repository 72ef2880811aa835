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

/**
 * The period key of the digest due now for this subscriber, or undefined when none is due. With `force`
 * (operators running digests by hand) every period is due.
 */
export function duePeriodKey(
  subscriber: Pick<Subscriber, 'timezone' | 'digestHour' | 'digestWeekday'>,
  period: DigestPeriod,
  at: Date,
  force = false,
): string | undefined {
  const local = localTime(at, subscriber.timezone);
  const key = period === 'daily' ? local.date : isoWeek(local.date);
  if (force) return key;
  if (local.hour !== subscriber.digestHour) return undefined;
  const weekday = WEEKDAYS.indexOf(subscriber.digestWeekday ?? DEFAULT_DIGEST_WEEKDAY);
  if (period === 'weekly' && local.weekday !== weekday) return undefined;
  return key;
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
