import { ValidationError } from '../errors';

/*
 * Checks on render input. Escaping makes any text safe to show, but not any URL: a `javascript:` or relative
 * link would survive escaping, so every link must be an absolute http(s) URL.
 */

const code = 'invalid_email_data';

export function httpUrl(field: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ValidationError(
      code,
      `${field} must be an absolute http(s) URL, got ${JSON.stringify(value)}.`,
    );
  }
  return url.href;
}

/**
 * Text shown on one line: runs of whitespace and control characters (CR, LF, NUL, U+2028…) become one
 * space, so no value can break a header line, a subject or the layout; it must not be empty.
 */
export function requiredText(field: string, value: unknown): string {
  const text = optionalText(field, value);
  if (!text) throw new ValidationError(code, `${field} must be non-empty text.`);
  return text;
}

export function optionalText(field: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ValidationError(code, `${field} must be a string.`);
  return value.replace(/[\s\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

export function nonEmptyList<T>(field: string, values: readonly T[] | undefined): readonly T[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new ValidationError(code, `${field} must list at least one entry.`);
  }
  return values;
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  const match = allowed.find((option) => option === value);
  if (match === undefined) {
    throw new ValidationError(
      code,
      `${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}.`,
    );
  }
  return match;
}

export function isoDate(field: string, value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new ValidationError(code, `${field} must be an ISO 8601 date, got ${JSON.stringify(value)}.`);
  }
  return date;
}

export function timeZone(value: unknown): string {
  if (value === undefined) return 'UTC';
  const zone = typeof value === 'string' ? knownTimeZone(value) : undefined;
  if (zone === undefined) {
    throw new ValidationError(
      code,
      `timeZone must be an IANA time zone such as Europe/London, got ${JSON.stringify(value)}.`,
    );
  }
  return zone;
}

// Checking a zone builds a formatter; readers share few zones, so each answer is kept for the process.
const knownZones = new Map<string, string | undefined>();

function knownTimeZone(name: string): string | undefined {
  if (knownZones.has(name)) return knownZones.get(name);
  let zone: string | undefined;
  try {
    zone = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    // Intl throws a RangeError for a zone it does not know.
    zone = undefined;
  }
  // Bounded: the names come from subscribers, and unknown ones are refused before they are stored.
  if (knownZones.size < 1000) knownZones.set(name, zone);
  return zone;
}

export function hourOfDay(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 23) {
    throw new ValidationError(code, `${field} must be a whole hour from 0 to 23.`);
  }
  return value;
}
