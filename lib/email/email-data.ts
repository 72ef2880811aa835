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

/** One of the reader's topics that matched an article: the topic as they wrote it and its words found. */
export interface TopicMatch {
  /** The topic exactly as the subscriber wrote it, shown as is (never lower-cased or joined). */
  readonly query: string;
  /** The terms of this topic found in the article, highlighted in the snippet; at least one. */
  readonly terms: readonly string[];
}

/** One matched article, as shown in an alert or a digest. */
export interface MatchedArticle {
  readonly headline: string;
  readonly articleUrl: string;
  /** ISO 8601. */
  readonly publishedAt: string;
  readonly source?: string;
  /** The other outlets that reported the same story (their names), shown as "Also reported by …". */
  readonly alsoReportedBy?: readonly string[];
  readonly snippet: string;
  /** Every topic of the reader's that matched, each with its own words; at least one. */
  readonly topics: readonly TopicMatch[];
}

/** The links every alert and digest carries to its reader's own settings, and the sender's address. */
export interface SubscriberLinks {
  readonly unsubscribeUrl: string;
  /** The preference centre, shown as "Manage your topics" beside the unsubscribe link. */
  readonly preferencesUrl: string;
  /** The sender's physical postal address, printed in the footer; left out only where none is configured. */
  readonly postalAddress?: string;
}

/** What an alert says about its article: the same for every reader of one topic set, rendered once. */
export interface AlertArticleData extends MatchedArticle {
  /** The article's own page on Tidings, linked as "View in browser". */
  readonly archiveUrl?: string;
  /**
   * ISO 8601 instant the alert goes out. A story published more than a day before it is not called new:
   * the label gives its date instead. Absent: the story is new.
   */
  readonly sentAt?: string;
  /** IANA zone for dates, e.g. Europe/London; UTC when absent. */
  readonly timeZone?: string;
  readonly postalAddress?: string;
}

/** The per-reader links of an alert, filled into the article's pre-rendered email. */
export interface AlertLinks extends SubscriberLinks {
  /** A signed "mute this topic" link for each topic that matched, in the order of the article's `topics`. */
  readonly muteUrls: readonly string[];
}

export interface AlertEmailData extends AlertArticleData, AlertLinks {}

export interface DigestEmailData extends SubscriberLinks {
  readonly period: DigestPeriod;
  /** Shown in the heading, e.g. "27 Nov 2026" or "21–27 Nov 2026". */
  readonly periodLabel: string;
  /** At least one: an empty digest is not sent. */
  readonly items: readonly MatchedArticle[];
  /** Held stories not in this digest, carried to the next one: "and 12 more". */
  readonly remaining?: number;
  /** IANA zone for dates, e.g. Europe/London; UTC when absent. */
  readonly timeZone?: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}
