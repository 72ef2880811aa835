export const FREQUENCIES = ['instant', 'daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export type DigestPeriod = Exclude<Frequency, 'instant'>;

/** Days a weekly digest can go out on, in the order `Date#getDay` counts them. */
export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const DEFAULT_DIGEST_WEEKDAY: Weekday = 'monday';

/** How many topics one subscriber may have (and so one request may ask for); `TIDINGS_MAX_TOPICS`. */
export const DEFAULT_MAX_TOPICS = 25;

/** A query and how often its matches are sent. */
export interface TopicChoice {
  readonly query: string;
  readonly frequency: Frequency;
}

/** When a subscriber's digests go out, in their own time zone. */
export interface DigestSettings {
  /** IANA zone used for digest timing. */
  readonly timezone: string;
  /** Local hour (0–23) at which digests go out. */
  readonly digestHour: number;
  /** Local day of weekly digests; subscribers from before it was a choice get Monday. */
  readonly digestWeekday?: Weekday;
}

/** 'suppressed': SES reported the address undeliverable or a complaint; nothing is ever mailed to it. */
export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'suppressed';

export interface Subscriber extends DigestSettings {
  readonly id: string;
  readonly email: string;
  readonly status: SubscriberStatus;
  readonly createdAt: string;
  readonly confirmedAt?: string;
  readonly unsubscribedAt?: string;
  /** No alert or digest is sent before this instant (ISO): the subscriber paused their mail. */
  readonly pausedUntil?: string;
  /** Bumped when the subscriber revokes their links; tokens of older generations stop working. */
  readonly tokenGeneration?: number;
}

/** How a subscription ends: by the reader's choice, or because the address must not be mailed again. */
export interface SubscriptionEnding {
  /** 'unsubscribed' by default; 'suppressed' is final (nothing later turns it back into 'unsubscribed'). */
  readonly status?: Extract<SubscriberStatus, 'unsubscribed' | 'suppressed'>;
  /** What happened, for the consent line (which bounce or complaint, about which message). */
  readonly detail?: string;
}

export type TopicStatus = 'pending' | 'active' | 'inactive';

export interface Topic {
  readonly subscriberId: string;
  readonly id: string;
  readonly query: string;
  readonly frequency: Frequency;
  readonly status: TopicStatus;
  /** The subscription request that added it: confirming that request's link activates it. */
  readonly requestId: string;
  readonly createdAt: string;
}

/** Where a change to someone's subscription came from, as recorded in their consent ledger. */
export const CONSENT_SOURCES = [
  'form',
  'api',
  'email-link',
  'one-click',
  'preference-centre',
  'ses-feedback',
  'import',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** Who asked for a change, as far as we know: the source always, the client's IP and user agent when seen. */
export interface ConsentContext {
  readonly source: ConsentSource;
  readonly ip?: string;
  readonly userAgent?: string;
}

export type ConsentAction =
  | 'requested'
  | 'confirmed'
  | 'unsubscribed'
  | 'suppressed'
  | 'topics-changed'
  | 'settings-changed'
  | 'paused'
  | 'links-revoked';

/** One line of the consent ledger: append-only, written in the same transaction as the change it records. */
export interface ConsentEntry extends ConsentContext {
  readonly at: string;
  readonly action: ConsentAction;
  /** What changed, in words ("added: Gaza -football"), when the action alone does not say. */
  readonly detail?: string;
}
