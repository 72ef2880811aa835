import { ValidationError } from '../errors';
import { parseQuery } from '../query';
import { normaliseEmail } from './email-address';
import { FREQUENCIES, type Frequency } from './model';

export interface SubscriptionRequest {
  readonly email: string;
  readonly topics: readonly string[];
  readonly frequency: Frequency;
  readonly timezone: string;
  readonly digestHour: number;
}

export const MAX_TOPICS_PER_REQUEST = 20;

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

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function readTopics(raw: unknown): string[] {
  const list = typeof raw === 'string' ? raw.split(/\r?\n/) : raw;
  if (!Array.isArray(list)) {
    throw new ValidationError('invalid_topics', '"topics" must be a list of topic queries.');
  }
  const topics = list
    .map((t, i) => {
      if (typeof t !== 'string')
        throw new ValidationError('invalid_topics', `Topic ${i + 1} must be a string.`);
      return t.trim();
    })
    .filter((t) => t !== '');
  if (topics.length === 0) throw new ValidationError('invalid_topics', 'Give at least one topic.');
  if (topics.length > MAX_TOPICS_PER_REQUEST) {
    throw new ValidationError('invalid_topics', `Give at most ${MAX_TOPICS_PER_REQUEST} topics at a time.`);
  }
  topics.forEach((topic, i) => {
    try {
      parseQuery(topic);
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(
          'invalid_query',
          `Topic ${i + 1} ("${topic.slice(0, 60)}"): ${error.message}`,
        );
      }
      throw error;
    }
  });
  return [...new Set(topics)];
}

/** Validates a subscription request from JSON or the page's form; nothing is written before this passes. */
export function parseSubscriptionRequest(body: Readonly<Record<string, unknown>>): SubscriptionRequest {
  const email = normaliseEmail(body.email);
  const topics = readTopics(body.topics);
  const frequency = body.frequency ?? 'instant';
  if (typeof frequency !== 'string' || !(FREQUENCIES as readonly string[]).includes(frequency)) {
    throw new ValidationError('invalid_frequency', `"frequency" must be one of: ${FREQUENCIES.join(', ')}.`);
  }
  const timezone = body.timezone === undefined || body.timezone === '' ? 'UTC' : body.timezone;
  if (typeof timezone !== 'string' || !isValidTimeZone(timezone)) {
    throw new ValidationError(
      'invalid_timezone',
      `"timezone" must be an IANA time zone such as Europe/London.`,
    );
  }
  const hourRaw =
    body.digestHour === undefined || body.digestHour === '' ? DEFAULT_DIGEST_HOUR : body.digestHour;
  const digestHour = typeof hourRaw === 'string' ? Number(hourRaw) : hourRaw;
  if (typeof digestHour !== 'number' || !Number.isInteger(digestHour) || digestHour < 0 || digestHour > 23) {
    throw new ValidationError('invalid_digest_hour', '"digestHour" must be a whole hour from 0 to 23.');
  }
  return { email, topics, frequency: frequency as Frequency, timezone, digestHour };
}
