/** Dates and lists in the words of the copy's locale (`meta.dateLocale`), e.g. "27 Nov 2026, 14:05 UTC". */

/*
 * Building an Intl formatter costs tens of microseconds, as much as filling a whole template; a sender
 * meets a handful of locale and zone pairs, so each formatter is built once and kept for the process.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const listFormats = new Map<string, Intl.ListFormat>();
const weekdayFormats = new Map<string, Intl.DateTimeFormat>();

function cached<T>(cache: Map<string, T>, key: string, build: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = build();
    cache.set(key, value);
  }
  return value;
}

export function formatDateTime(date: Date, locale: string, timeZone: string): string {
  return cached(
    dateTimeFormats,
    `${locale} ${timeZone}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone,
        timeZoneName: 'short',
      }),
  ).format(date);
}

/** "3 Nov 2026": the day alone, for a story that is not new. */
export function formatDate(date: Date, locale: string, timeZone: string): string {
  return cached(
    dateFormats,
    `${locale} ${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone }),
  ).format(date);
}

/** "a, b and c" in en-GB. */
export function formatList(items: readonly string[], locale: string): string {
  return cached(listFormats, locale, () => new Intl.ListFormat(locale, { type: 'conjunction' })).format(
    items,
  );
}

/** The start of `text`, cut at a word boundary, for preheaders; inbox previews show about this much. */
export function preview(text: string, maxLength = 140): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > maxLength / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

/** "07:00": the local hour digests go out at. */
export function formatHour(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** The day's name in the locale ("Monday"); `day` counts from Sunday = 0, as `Date#getDay` does. */
export function formatWeekday(day: number, locale: string): string {
  // 4 January 1970 was a Sunday.
  return cached(
    weekdayFormats,
    locale,
    () => new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }),
  ).format(new Date(Date.UTC(1970, 0, 4 + day)));
}
