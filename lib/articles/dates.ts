import { ValidationError } from '../errors';

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Strict ISO 8601 (calendar date, optional time and offset). `Date.parse` is not used because it accepts
 * many non-ISO shapes and reads a zoneless date-time as local time, which differs between machines.
 * A date-time without an offset is read as UTC, like the wire copy's times.
 */
export function parseIsoDate(value: string): Date | undefined {
  const match = ISO_DATE.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const offsetMinutes = offset ? parseOffset(offset) : 0;
  if (offsetMinutes === undefined) return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const date = utcDate(
    Number(year),
    Number(month),
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    millis,
  );
  return date && new Date(date.getTime() - offsetMinutes * 60_000);
}

function parseOffset(offset: string): number | undefined {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/** Builds a UTC date, or undefined when a component is out of range (31 April, 25:00, month 13). */
function utcDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): Date | undefined {
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years below 100 to the 1900s.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const roundTrips =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return roundTrips ? date : undefined;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

// "Wed 11 Sep 2024, 3:52 PM" and its variants: optional weekday, day-month or month-day order, any comma
// missing, 12- or 24-hour clock, optional time, an optional UTC/GMT marker. The weekday is not checked
// against the date: the numbers are what the copy means, a wrong weekday is a typo.
const WIRE_DATE = new RegExp(
  [
    '^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+)?',
    '(?:(\\d{1,2})\\s+([a-z]{3,9})\\.?|([a-z]{3,9})\\.?\\s+(\\d{1,2}))',
    '\\s*,?\\s*(\\d{4})',
    '(?:\\s*,?\\s*(?:at\\s+)?(\\d{1,2})[:.](\\d{2})(?:\\s*([ap])\\.?\\s*m\\.?)?)?',
    '(?:\\s*(?:utc|gmt))?$',
  ].join(''),
  'i',
);

/**
 * Reads a wire-copy timestamp such as "Wed 11 Sep 2024, 3:52 PM". The copy names no zone; agency sites
 * print their local time, which the copy does not reveal, so the time is taken as UTC.
 */
export function parseWireDate(value: string): Date | undefined {
  const match = WIRE_DATE.exec(collapse(value));
  if (!match) return undefined;
  const [, dayFirst, monthSecond, monthFirst, daySecond, year, hour, minute, meridiem] = match;
  const month = monthNumber(monthSecond ?? monthFirst ?? '');
  if (month === undefined) return undefined;
  const hours = hour === undefined ? 0 : to24Hour(Number(hour), meridiem);
  if (hours === undefined) return undefined;
  return utcDate(Number(year), month, Number(dayFirst ?? daySecond), hours, Number(minute ?? '0'), 0, 0);
}

function collapse(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((month) => month.startsWith(lower));
  return index === -1 ? undefined : index + 1;
}

function to24Hour(hour: number, meridiem: string | undefined): number | undefined {
  if (meridiem === undefined) return hour <= 23 ? hour : undefined;
  if (hour < 1 || hour > 12) return undefined;
  const base = hour % 12;
  return meridiem.toLowerCase() === 'p' ? base + 12 : base;
}

/** Normalises an ISO date given for `field` to a UTC timestamp, or says what shape was expected. */
export function toIsoTimestamp(value: string, field: string): string {
  const date = parseIsoDate(value);
  if (!date) {
    throw new ValidationError(
      'invalid_article',
      `"${field}" must be an ISO 8601 date such as "2024-09-11" or "2024-09-11T15:52:00Z".`,
    );
  }
  return date.toISOString();
}

// RFC 822 as RSS 2.0 uses it, with RFC 1123's four-digit years: "Wed, 02 Oct 2002 13:00:00 GMT",
// "2 Oct 2002 15:00 +0200". Feeds in the wild also spell months out and drop the weekday or the seconds.
const RFC_822_DATE = new RegExp(
  [
    '^(?:[a-z]{3,9},?\\s+)?',
    '(\\d{1,2})\\s+([a-z]{3,9})\\.?\\s+(\\d{2}|\\d{4})',
    '\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?',
    '(?:\\s*([+-]\\d{4}|[a-z]{1,5}))?$',
  ].join(''),
  'i',
);

/** The zone names RFC 822 defines, as minutes east of UTC. Military single letters are too ambiguous to trust. */
const RFC_822_ZONES: Readonly<Record<string, number>> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

/** Reads an RSS date (RFC 822); a missing zone is taken as UTC, a two-digit year as 19xx from 50 up, else 20xx. */
export function parseRfc822Date(value: string): Date | undefined {
  const match = RFC_822_DATE.exec(collapse(value));
  if (!match) return undefined;
  const [, day, monthName, yearText = '', hour, minute, second = '0', zone] = match;
  const month = monthNumber(monthName ?? '');
  if (month === undefined || (monthName ?? '').length < 3) return undefined;
  let offsetMinutes = 0;
  if (zone !== undefined) {
    const named = zone.toLowerCase();
    const offset = /^[+-]/.test(zone)
      ? parseOffset(zone)
      : Object.hasOwn(RFC_822_ZONES, named)
        ? RFC_822_ZONES[named]
        : undefined;
    if (offset === undefined) return undefined;
    offsetMinutes = offset;
  }
  const shortYear = Number(yearText);
  const year = yearText.length === 2 ? shortYear + (shortYear >= 50 ? 1900 : 2000) : shortYear;
  const date = utcDate(year, month, Number(day), Number(hour), Number(minute), Number(second), 0);
  return date && new Date(date.getTime() - offsetMinutes * 60_000);
}
