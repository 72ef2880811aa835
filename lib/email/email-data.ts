/** What the sending code passes to the render functions. */

export type Frequency = 'instant' | 'daily' | 'weekly';
export type DigestPeriod = 'daily' | 'weekly';

export type Weekday = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';

export interface ConfirmationEmailData {
  /** Absolute http(s) link that confirms the subscription. */
  readonly confirmUrl: string;
  /** Every topic the reader will have once confirmed, each with its frequency; `isNew` for this request's. */
  readonly topics: readonly { query: string; frequency: Frequency; isNew: boolean }[];
  /** Local hour (0–23) and day of their digests, shown beside daily and weekly topics. */
  readonly digestHour: number;
  readonly digestWeekday: Weekday;
  /** ISO 8601 instant after which the link no longer confirms anything; the email says when. */
  readonly linkExpiresAt: string;
  /** IANA zone the expiry is shown in: the one the reader gave with the request. */
  readonly timeZone: string;
}

/** One matched article, as shown in an alert or a digest. */
export interface MatchedArticle {
  readonly headline: string;
  readonly articleUrl: string;
  /** ISO 8601. */
  readonly publishedAt: string;
  readonly source?: string;
  readonly snippet: string;
  /** The subscriber's topic that matched. */
  readonly topic: string;
  /** The terms of the topic found in the article, highlighted in the snippet; at least one. */
  readonly matchedTerms: readonly string[];
}

/** The links every alert and digest carries to its reader's own settings. */
export interface SubscriberLinks {
  readonly unsubscribeUrl: string;
  /** The preference centre, shown as "Manage your topics" beside the unsubscribe link. */
  readonly preferencesUrl: string;
}

export interface AlertEmailData extends MatchedArticle, SubscriberLinks {
  /** A signed "mute this topic" link for each topic that matched. */
  readonly muteLinks: readonly { readonly query: string; readonly url: string }[];
  /** IANA zone for dates, e.g. Europe/London; UTC when absent. */
  readonly timeZone?: string;
}

export interface DigestEmailData extends SubscriberLinks {
  readonly period: DigestPeriod;
  /** Shown in the subject and heading, e.g. "27 Nov 2026" or "21–27 Nov 2026". */
  readonly periodLabel: string;
  /** At least one: an empty digest is not sent. */
  readonly items: readonly MatchedArticle[];
  /** IANA zone for dates, e.g. Europe/London; UTC when absent. */
  readonly timeZone?: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}
