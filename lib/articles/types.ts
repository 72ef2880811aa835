/** What a caller hands in: parsed from wire copy or JSON, not yet normalised. */
export interface ArticleInput {
  title?: string;
  url?: string;
  text: string;
  /** ISO 8601; without an offset, wall-clock time in the article's zone (see `normaliseArticle`). */
  publishedAt?: string;
  updatedAt?: string;
  /** IANA zone of times given without an offset, e.g. a feed subscription's; before the source's configured one. */
  timezone?: string;
  source?: string;
  lang?: string;
  caption?: string;
  credit?: string;
}

export interface Article {
  /** From the canonical URL, else the given headline and body (`articleIdFor`): re-ingesting finds the same item. */
  id: string;
  /**
   * The story this article tells: the id of the first article of its near-duplicate cluster (two outlets'
   * versions of one wire story share it), its own id when it was the first. Alerts and digests are keyed by
   * it, so a subscriber hears of a story once however many outlets report it.
   */
  storyId: string;
  /** The similarity signature the near-duplicate lookup compares (`storySignature`). */
  signature: string;
  /** sha256 hex of the canonical body, so re-pasting with different spacing or quotes is still a duplicate. */
  fingerprint: string;
  title: string;
  titleDerived: boolean;
  url?: string;
  source?: string;
  lang?: string;
  caption?: string;
  credit?: string;
  paragraphs: string[];
  /** Words of the body, counted alike in every script (see `countWords`). */
  wordCount: number;
  /** The opening text, at most 300 characters, after what a derived title says; `snippet(article, 300)`. */
  summary: string;
  /** ISO 8601; the ingest time when the input gives none. */
  publishedAt: string;
  /** Where the zone of a given `publishedAt` came from; absent when the article came undated. */
  publishedZoneSource?: PublishedZoneSource;
  /** The IANA zone its wall-clock time was read in, when that came from the article or its source. */
  publishedZone?: string;
  updatedAt?: string;
  ingestedAt: string;
  /** How many times a newer version replaced the stored text in place (absent: never). */
  revisions?: number;
  /** When the latest such update was ingested. */
  revisedAt?: string;
}

/**
 * How a given publication time was placed in time: `timestamp`, it stated its own offset or zone ("…Z",
 * "+03:00", "3:52 PM BST"); `article`, the article's `timezone`; `source`, the zone configured for its source
 * (`TIDINGS_SOURCE_TIMEZONES`); `assumed-utc`, none of these, so it was read as UTC (as is a date alone).
 */
export type PublishedZoneSource = 'timestamp' | 'article' | 'source' | 'assumed-utc';
