/** What a caller hands in: parsed from wire copy or JSON, not yet normalised. */
export interface ArticleInput {
  title?: string;
  url?: string;
  text: string;
  publishedAt?: string;
  updatedAt?: string;
  source?: string;
  lang?: string;
  caption?: string;
  credit?: string;
}

export interface Article {
  /** Derived from the fingerprint: the same story text ingested twice gets the same id. */
  id: string;
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
  /** ISO 8601; the ingest time when the input gives none. */
  publishedAt: string;
  updatedAt?: string;
  ingestedAt: string;
}
