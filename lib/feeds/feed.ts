import { createHash } from 'node:crypto';
import { canonicalUrl } from '../articles/canonical-url';
import { ValidationError } from '../errors';
import { isValidTimeZone } from '../subscriptions/subscription-request';

/** A feed is paused after this many failed polls in a row, and polled again only once resumed. */
export const PAUSE_AFTER_FAILURES = 5;

export const MAX_SOURCE_NAME_CHARS = 200;

export type FeedStatus = 'active' | 'paused';

/** A registered feed and how its polls went. Times are ISO 8601. */
export interface Feed {
  /** Derived from the canonical URL, so registering the same feed twice finds the same record. */
  readonly id: string;
  readonly url: string;
  /** Fills `source` of the feed's items that name none. */
  readonly sourceName?: string;
  /** The IANA zone the publisher writes its local times in (kept on the record; see README, Feeds). */
  readonly timezone?: string;
  readonly status: FeedStatus;
  readonly createdAt: string;
  readonly lastPolledAt?: string;
  readonly lastSuccessAt?: string;
  /** The most recent failure, kept after a later success; `consecutiveFailures` says whether it is current. */
  readonly lastError?: string;
  readonly lastErrorAt?: string;
  readonly consecutiveFailures: number;
  /** Stories the polls have stored from this feed (duplicates of stories already stored are not counted). */
  readonly itemsStored: number;
  readonly pausedAt?: string;
  /** The validators of the last answer with a body, sent back so an unchanged feed answers 304. */
  readonly etag?: string;
  readonly lastModified?: string;
}

/** What `POST /feeds` asks for, validated. */
export interface FeedRegistration {
  readonly url: string;
  readonly sourceName?: string;
  readonly timezone?: string;
}

/** A feed id: 24 hex digits of the SHA-256 of its canonical URL. */
const FEED_ID = /^[0-9a-f]{24}$/;

export function feedIdOf(canonicalFeedUrl: string): string {
  return createHash('sha256').update(canonicalFeedUrl).digest('hex').slice(0, 24);
}

/** Whether a path's feed id has the form ids have: checked before anything is read with it. */
export function isFeedId(id: string | undefined): id is string {
  return id !== undefined && FEED_ID.test(id);
}

/** Each field's error code. */
const CODES = { url: 'invalid_feed_url', sourceName: 'invalid_source_name', timezone: 'invalid_timezone' };

function optionalText(body: Record<string, unknown>, field: keyof typeof CODES): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationError(CODES[field], `"${field}" must be a string.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * `{url, sourceName?, timezone?}`: the URL absolute http(s), without credentials, at most 2,048 characters,
 * made canonical as article links are (tracking parameters and fragment dropped), so two spellings of one
 * feed are one registration; the source name at most 200 characters; the zone an IANA one.
 */
export function parseFeedRegistration(body: Record<string, unknown>): FeedRegistration {
  const raw = optionalText(body, 'url');
  if (raw === undefined) {
    throw new ValidationError('invalid_feed_url', '"url" is required: the address of an RSS or Atom feed.');
  }
  let url: string;
  try {
    url = canonicalUrl(raw);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError('invalid_feed_url', error.message);
    throw error;
  }
  const sourceName = optionalText(body, 'sourceName');
  if (sourceName !== undefined && [...sourceName].length > MAX_SOURCE_NAME_CHARS) {
    throw new ValidationError(
      'invalid_source_name',
      `"sourceName" must be at most ${MAX_SOURCE_NAME_CHARS} characters.`,
    );
  }
  const timezone = optionalText(body, 'timezone');
  if (timezone !== undefined && !isValidTimeZone(timezone)) {
    throw new ValidationError(
      'invalid_timezone',
      `"timezone" must be an IANA time zone such as Europe/Lisbon, not "${timezone}".`,
    );
  }
  return {
    url,
    ...(sourceName !== undefined && { sourceName }),
    ...(timezone !== undefined && { timezone }),
  };
}

/** A new feed's record: active, never polled. */
export function newFeed(registration: FeedRegistration, at: Date): Feed {
  return {
    id: feedIdOf(registration.url),
    ...registration,
    status: 'active',
    createdAt: at.toISOString(),
    consecutiveFailures: 0,
    itemsStored: 0,
  };
}

/** What the API shows of a feed: everything but the HTTP validators, which are the poller's business. */
export function feedView(feed: Feed): Omit<Feed, 'etag' | 'lastModified'> {
  const { etag: _etag, lastModified: _lastModified, ...view } = feed;
  return view;
}
