import { ValidationError } from '../errors';
import { type WallTime, zonedTimeToUtc } from './time-zones';

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** An ISO 8601 date as written: its calendar fields, whether it has a time, and its offset when it states one. */
export interface WrittenDate extends WallTime {
  readonly hasTime: boolean;
  /** Minutes east of UTC; absent when the text names no offset. */
  readonly offsetMinutes?: number;
}

/**
 * Strict ISO 8601 (calendar date, optional time and offset). `Date.parse` is not used because it accepts
 * many non-ISO shapes and reads a zoneless date-time as local time, which differs between machines.
 */
export function readIsoDate(value: string): WrittenDate | undefined {
  const match = ISO_DATE.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute = '0', second = '0', fraction = '', offset] = match;
  const offsetMinutes = offset ? parseOffset(offset) : undefined;
  if (offset && offsetMinutes === undefined) return undefined;
  const wall = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? '0'),
    minute: Number(minute),
    second: Number(second),
    millis: Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  if (!utcDate(wall)) return undefined;
  return { ...wall, hasTime: hour !== undefined, ...(offsetMinutes !== undefined && { offsetMinutes }) };
}

/** An ISO date as an instant; a date-time without an offset is read as UTC, like a date without a time. */
export function parseIsoDate(value: string): Date | undefined {
  const written = readIsoDate(value);
  return written && instantOf(written, 'UTC');
}

/**
 * The instant a written date means: by its own offset when it states one; a bare date is that day's midnight
 * UTC, so it stays on its day in the archive; otherwise the wall-clock time in `zone`.
 */
export function instantOf(written: WrittenDate, zone: string): Date {
  if (written.offsetMinutes !== undefined) {
    return new Date((utcDate(written) as Date).getTime() - written.offsetMinutes * 60_000);
  }
  if (!written.hasTime || zone === 'UTC') return utcDate(written) as Date;
  return zonedTimeToUtc(written, zone);
}

/** A wall-clock time as zoneless ISO text ("2024-09-11T15:52:00.000"), for the zone to be chosen later. */
function zonelessIso(wall: WallTime): string | undefined {
  return utcDate(wall)?.toISOString().slice(0, -1);
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
function utcDate({ year, month, day, hour, minute, second, millis }: WallTime): Date | undefined {
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
// missing, 12- or 24-hour clock, optional time, an optional zone: a name ("GMT", "BST", "CEST"), an offset
// ("+0300", "+03:00") or both ("GMT+3"), in brackets or not. The weekday is not checked against the date: the
// numbers are what the copy means, a wrong weekday is a typo.
const WIRE_DATE = new RegExp(
  [
    '^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+)?',
    '(?:(\\d{1,2})\\s+([a-z]{3,9})\\.?|([a-z]{3,9})\\.?\\s+(\\d{1,2}))',
    '\\s*,?\\s*(\\d{4})',
    '(?:\\s*,?\\s*(?:at\\s+)?(\\d{1,2})[:.](\\d{2})(?:\\s*([ap])\\.?\\s*m\\.?)?)?',
    '(?:\\s*\\(?\\s*([a-z]{1,5})?\\s*([+-](?:\\d{2}:?\\d{2}|\\d{1,2}))?\\s*\\)?)?$',
  ].join(''),
  'i',
);

/**
 * Zone names wire copy prints after a time, as minutes east of UTC: RFC 822's, and the European ones agencies
 * use. Names that mean several zones (IST: India, Ireland or Israel) are not read.
 */
const WIRE_ZONES: Readonly<Record<string, number>> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  jst: 540,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

/**
 * Reads a wire-copy timestamp such as "Wed 11 Sep 2024, 3:52 PM" into ISO 8601 text: with a zone in the copy
 * ("3:52 PM BST", "15:52 +0300"), the UTC instant ("…Z"); without one, the wall-clock time with no offset
 * ("2024-09-11T15:52:00.000"), whose zone `normaliseArticle` chooses; a date alone as "2024-09-11".
 */
export function parseWireDate(value: string): string | undefined {
  const match = WIRE_DATE.exec(collapse(value));
  if (!match) return undefined;
  const [, dayFirst, monthSecond, monthFirst, daySecond, year, hour, minute, meridiem, zoneName, offset] =
    match;
  const month = monthNumber(monthSecond ?? monthFirst ?? '');
  if (month === undefined) return undefined;
  const hours = hour === undefined ? 0 : to24Hour(Number(hour), meridiem);
  if (hours === undefined) return undefined;
  const wall = {
    year: Number(year),
    month,
    day: Number(dayFirst ?? daySecond),
    hour: hours,
    minute: Number(minute ?? '0'),
    second: 0,
    millis: 0,
  };
  const zoneless = zonelessIso(wall);
  if (zoneless === undefined) return undefined;
  const offsetMinutes = wireOffset(zoneName, offset);
  if (offsetMinutes === null) return undefined;
  if (hour === undefined) return zoneless.slice(0, 10);
  if (offsetMinutes === undefined) return zoneless;
  return new Date(Date.parse(`${zoneless}Z`) - offsetMinutes * 60_000).toISOString();
}

/** Minutes east of UTC the copy names; undefined when it names none, null when it names one we cannot read. */
function wireOffset(name: string | undefined, offset: string | undefined): number | undefined | null {
  const named = name?.toLowerCase();
  if (named !== undefined && !Object.hasOwn(WIRE_ZONES, named)) return null;
  // An offset stands alone or follows UTC/GMT ("GMT+3"); after a local zone name ("CET +1") it is ambiguous.
  if (offset !== undefined && named !== undefined && WIRE_ZONES[named] !== 0) return null;
  const base = named === undefined ? undefined : WIRE_ZONES[named];
  if (offset === undefined) return base;
  return parseOffset(offset) ?? null;
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

/** Says what shape a date given for `field` must have. */
function invalidDate(field: string): ValidationError {
  return new ValidationError(
    'invalid_article',
    `"${field}" must be an ISO 8601 date such as "2024-09-11" or "2024-09-11T15:52:00Z".`,
  );
}

/** Reads an ISO date given for `field`, or says what shape was expected. */
export function readIsoDateField(value: string, field: string): WrittenDate {
  const written = readIsoDate(value);
  if (!written) throw invalidDate(field);
  return written;
}

/**
 * An ISO date given for `field` in one spelling: a UTC instant ("…Z") when it states an offset, else the same
 * wall-clock time or date without one, so its zone can still be chosen (see `normaliseArticle`).
 */
export function canonicalIsoText(value: string, field: string): string {
  const written = readIsoDateField(value, field);
  if (written.offsetMinutes !== undefined) return instantOf(written, 'UTC').toISOString();
  const zoneless = zonelessIso(written) as string;
  return written.hasTime ? zoneless : zoneless.slice(0, 10);
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
  const date = utcDate({
    year,
    month,
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millis: 0,
  });
  return date && new Date(date.getTime() - offsetMinutes * 60_000);
}
