/**
 * IANA time zones for times written without an offset (wire copy's "Published: … 3:52 PM"), converted with
 * the offsets `Intl.DateTimeFormat` knows, so summer time is applied for the date in question.
 */

import { ValidationError } from '../errors';

/** Lower-cased source or credit name → IANA zone (`TIDINGS_SOURCE_TIMEZONES`). */
export type SourceZones = ReadonlyMap<string, string>;

export const NO_SOURCE_ZONES: SourceZones = new Map();

/** A date and time as a clock on the wall shows it, in no particular zone. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The zone's canonical IANA name ("europe/paris" → "Europe/Paris"), or undefined when Intl knows no such zone. */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The 400 a time zone nobody knows gets, naming it. */
export function invalidTimeZone(name: string): ValidationError {
  return new ValidationError(
    'invalid_article',
    `"timezone" must be an IANA time zone such as "Europe/Paris"; ${JSON.stringify(name)} is not one.`,
  );
}

/** Minutes east of UTC that `zone` is at the instant `at`. */
function offsetMinutes(zone: string, at: number): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of formatterFor(zone).formatToParts(new Date(at))) parts[type] = Number(value);
  const asUtc = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((asUtc - (at - (((at % 1000) + 1000) % 1000))) / 60_000);
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The instant at which clocks in `zone` show `wall`. Around a change of clocks it decides as Temporal's
 * "compatible" disambiguation (and most calendar software) does: a time that happens twice, in the hour
 * clocks go back, is its first occurrence (still summer time); a time that never happens, in the hour clocks
 * go forward, is read with the offset from before the change, so it lands that far after it (London's
 * 01:30 on the spring change day is 01:30 UTC, which London calls 02:30).
 */
export function zonedTimeToUtc(wall: WallTime, zone: string): Date {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years below 100 to the 1900s.
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millis);
  const asUtc = date.getTime();
  // Clocks change at most once in a day on either side, so the offsets a day before and after are the candidates.
  const before = offsetMinutes(zone, asUtc - DAY_MS);
  const after = offsetMinutes(zone, asUtc + DAY_MS);
  const fits = [before, after]
    .map((offset) => asUtc - offset * 60_000)
    .filter((at) => asUtc - offsetMinutes(zone, at) * 60_000 === at);
  return new Date(fits.length > 0 ? Math.min(...fits) : asUtc - before * 60_000);
}

/** The configured zone of the first of `names` (the source, then the photo credit) that has one. */
export function zoneOfSource(zones: SourceZones, names: readonly (string | undefined)[]): string | undefined {
  for (const name of names) {
    const zone = name === undefined ? undefined : zones.get(name.toLowerCase());
    if (zone !== undefined) return zone;
  }
  return undefined;
}
