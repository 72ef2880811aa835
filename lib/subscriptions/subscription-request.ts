import { ValidationError } from '../errors';
import { parseQuery } from '../query';
import { normaliseEmail } from './email-address';
import {
  DEFAULT_DIGEST_WEEKDAY,
  DEFAULT_MAX_TOPICS,
  type DigestSettings,
  FREQUENCIES,
  type Frequency,
  type TopicChoice,
  WEEKDAYS,
  type Weekday,
} from './model';

export interface SubscriptionRequest extends Required<DigestSettings> {
  readonly email: string;
  /** Each topic with its own frequency: the request's `frequency` for those given as plain strings. */
  readonly topics: readonly TopicChoice[];
  readonly frequency: Frequency;
}

/** A query longer than this is not a topic anyone types; the parser's own limits sit further out. */
export const MAX_QUERY_CHARS = 500;

/**
 * A form field people never see (and screen readers are told to skip): bots that fill every field fill
 * it, and their post is answered like any other but does nothing.
 */
export const HONEYPOT_FIELD = 'website';

export function isHoneypotFilled(fields: Readonly<Record<string, unknown>>): boolean {
  const value = fields[HONEYPOT_FIELD];
  return typeof value === 'string' ? value.trim() !== '' : value !== undefined;
}
export const DEFAULT_DIGEST_HOUR = 7;

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function readFrequency(raw: unknown, field: string): Frequency {
  if (typeof raw !== 'string' || !(FREQUENCIES as readonly string[]).includes(raw)) {
    throw new ValidationError('invalid_frequency', `${field} must be one of: ${FREQUENCIES.join(', ')}.`);
  }
  return raw as Frequency;
}

/** Checks one query as the matcher will read it, returning it trimmed; the parser's message says why not. */
export function checkQuery(raw: string): string {
  const query = raw.trim();
  if (query.length > MAX_QUERY_CHARS) {
    throw new ValidationError('invalid_query', `A topic can be at most ${MAX_QUERY_CHARS} characters long.`);
  }
  parseQuery(query);
  return query;
}

/** `checkQuery` for one topic of a list: the message names the topic by its place in it. */
function readQuery(raw: unknown, label: string): string {
  if (typeof raw !== 'string') throw new ValidationError('invalid_topics', `${label} must be a string.`);
  try {
    return checkQuery(raw);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError('invalid_query', `${label} ("${raw.trim().slice(0, 60)}"): ${error.message}`);
    }
    throw error;
  }
}

/** Topics as strings (taking `frequency`) or `{query, frequency}` objects; a repeated query counts once. */
function readTopics(raw: unknown, frequency: Frequency, maxTopics: number): TopicChoice[] {
  const list = typeof raw === 'string' ? raw.split(/\r?\n/) : raw;
  if (!Array.isArray(list)) {
    throw new ValidationError('invalid_topics', '"topics" must be a list of topic queries.');
  }
  const given = list.filter((t) => !(typeof t === 'string' && t.trim() === ''));
  if (given.length === 0) throw new ValidationError('invalid_topics', 'Give at least one topic.');
  if (given.length > maxTopics) {
    throw new ValidationError('invalid_topics', `Give at most ${maxTopics} topics.`);
  }
  const topics = new Map<string, TopicChoice>();
  given.forEach((entry, i) => {
    const label = `Topic ${i + 1}`;
    const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
    if (typeof entry !== 'string' && !isObject) {
      throw new ValidationError('invalid_topics', `${label} must be a string or {"query", "frequency"}.`);
    }
    const { query: rawQuery, frequency: own } = isObject
      ? (entry as Record<string, unknown>)
      : { query: entry, frequency: undefined };
    const query = readQuery(rawQuery, label);
    if (query === '') throw new ValidationError('invalid_topics', `${label} is empty.`);
    topics.set(query, {
      query,
      frequency: own === undefined ? frequency : readFrequency(own, `${label}'s "frequency"`),
    });
  });
  return [...topics.values()];
}

function readWeekday(raw: unknown): Weekday {
  if (raw === undefined || raw === '') return DEFAULT_DIGEST_WEEKDAY;
  const day = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
  if (typeof day !== 'string' || !(WEEKDAYS as readonly string[]).includes(day)) {
    throw new ValidationError(
      'invalid_digest_weekday',
      `"digestWeekday" must be a day of the week: ${WEEKDAYS.join(', ')}.`,
    );
  }
  return day as Weekday;
}

/** The time zone, digest hour and weekday fields, as the subscribe form and the preference centre send them. */
export function readDigestSettings(body: Readonly<Record<string, unknown>>): Required<DigestSettings> {
  const timezone = body.timezone === undefined || body.timezone === '' ? 'UTC' : body.timezone;
  if (typeof timezone !== 'string' || !isValidTimeZone(timezone)) {
    throw new ValidationError(
      'invalid_timezone',
      `"timezone" must be an IANA time zone such as Europe/London.`,
    );
  }
  const hourRaw =
    body.digestHour === undefined || body.digestHour === '' ? DEFAULT_DIGEST_HOUR : body.digestHour;
  const digestHour = typeof hourRaw === 'string' && /^\d{1,2}$/.test(hourRaw) ? Number(hourRaw) : hourRaw;
  if (typeof digestHour !== 'number' || !Number.isInteger(digestHour) || digestHour < 0 || digestHour > 23) {
    throw new ValidationError('invalid_digest_hour', '"digestHour" must be a whole hour from 0 to 23.');
  }
  return { timezone, digestHour, digestWeekday: readWeekday(body.digestWeekday) };
}

/** Validates a subscription request from JSON or the page's form; nothing is written before this passes. */
export function parseSubscriptionRequest(
  body: Readonly<Record<string, unknown>>,
  limits: { readonly maxTopics: number } = { maxTopics: DEFAULT_MAX_TOPICS },
): SubscriptionRequest {
  const email = normaliseEmail(body.email);
  const frequency = readFrequency(body.frequency ?? 'instant', '"frequency"');
  const topics = readTopics(body.topics, frequency, limits.maxTopics);
  return { email, topics, frequency, ...readDigestSettings(body) };
}
