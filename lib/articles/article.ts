import { ValidationError } from '../errors';
import { leadAfterHeadline } from './after-headline';
import { canonicalUrl } from './canonical-url';
import { cleanText, collapseSpaces, splitParagraphs } from './clean-text';
import { instantOf, readIsoDateField } from './dates';
import { articleIdFor, canonicalOfClean, fingerprintOfCanonical } from './fingerprint';
import { deriveHeadline } from './headline';
import { assertBodyWithinLimits } from './limits';
import { storySignature } from './near-duplicate';
import { cutAtWordBoundary } from './text-cut';
import {
  canonicalTimeZone,
  invalidTimeZone,
  NO_SOURCE_ZONES,
  type SourceZones,
  zoneOfSource,
} from './time-zones';
import type { Article, ArticleInput, PublishedZoneSource } from './types';
import { countWords } from './word-count';

/** The stored summary's length: what a listing or a feed shows under a headline. */
export const SUMMARY_MAX_CHARS = 300;

/** Names the language of a text as an ISO 639-1 code, or undefined; `detectLanguage` in `./language`. */
export type LanguageDetector = (text: string) => string | undefined;

/**
 * Turns parsed input into the stored article: paragraphs, fingerprint and id, a title (derived from the lead
 * sentence when none was given), ISO timestamps (publishedAt falls back to `now`, the ingest time), the
 * source, which falls back to the photo credit of wire copy, and the language: the sender's, else what
 * `detectLanguage` finds (when given). Optional fields are omitted, never undefined.
 * A time given without an offset is read in the article's `timezone`, else in the zone `sourceZones` gives its
 * source or photo credit, else as UTC; `publishedZoneSource` records which (see `PublishedZoneSource`).
 */
export function normaliseArticle(
  input: ArticleInput,
  now: Date,
  detectLanguage?: LanguageDetector,
  sourceZones: SourceZones = NO_SOURCE_ZONES,
): Article {
  const paragraphs = splitParagraphs(input.text);
  const [lead] = paragraphs;
  if (lead === undefined) throw new ValidationError('empty_article', 'The article text is empty.');
  const body = paragraphs.join('\n\n');
  assertBodyWithinLimits(paragraphs, body);
  // The paragraphs are clean text already: made canonical once, for the fingerprint and the id.
  const canonical = canonicalOfClean(body);
  if (canonical === '') {
    throw new ValidationError('invalid_article', 'The article text has no letters or digits.');
  }

  const fingerprint = fingerprintOfCanonical(canonical);
  const givenTitle = optionalText(input.title);
  const given = optionalText(input.url);
  const url = given === undefined ? undefined : canonicalUrl(given);
  const credit = optionalText(input.credit);
  const source = optionalText(input.source) ?? credit;
  const lang = declaredLanguage(input) ?? detectLanguage?.(`${givenTitle ?? ''}\n${body}`);
  const caption = optionalText(input.caption);
  const ingestedAt = now.toISOString();
  const zone = articleZone(input, sourceZones, [optionalText(input.source), credit]);
  const published = input.publishedAt ? zonedTime(input.publishedAt, 'publishedAt', zone) : undefined;
  const updated = input.updatedAt ? zonedTime(input.updatedAt, 'updatedAt', zone) : undefined;
  const id = articleIdFor({ url, title: givenTitle, fingerprint, canonicalBody: canonical });
  const title = givenTitle ?? deriveHeadline(lead);
  const titleDerived = givenTitle === undefined;
  return {
    id,
    // Its own story until the near-duplicate lookup at ingest finds an earlier one it belongs to.
    storyId: id,
    signature: storySignature(title, paragraphs),
    fingerprint,
    title,
    titleDerived,
    ...(url !== undefined && { url }),
    ...(source !== undefined && { source }),
    ...(lang !== undefined && { lang }),
    ...(caption !== undefined && { caption }),
    ...(credit !== undefined && { credit }),
    paragraphs,
    wordCount: countWords(body),
    summary: snippet({ paragraphs, title, titleDerived }, SUMMARY_MAX_CHARS),
    publishedAt: published?.at ?? ingestedAt,
    ...(published && { publishedZoneSource: published.zoneSource }),
    ...(published?.zone !== undefined && { publishedZone: published.zone }),
    ...(updated && { updatedAt: updated.at }),
    ingestedAt,
  };
}

interface ArticleZone {
  readonly zone: string;
  readonly from: 'article' | 'source';
}

/** The zone of the article's offsetless times: its own `timezone` (checked), else its source's configured one. */
function articleZone(
  input: Pick<ArticleInput, 'timezone'>,
  sourceZones: SourceZones,
  names: readonly (string | undefined)[],
): ArticleZone | undefined {
  const given = input.timezone?.trim();
  if (given) {
    const zone = canonicalTimeZone(given);
    if (!zone) throw invalidTimeZone(given);
    return { zone, from: 'article' };
  }
  const configured = zoneOfSource(sourceZones, names);
  return configured === undefined ? undefined : { zone: configured, from: 'source' };
}

/** A given time as a UTC instant, where its zone came from, and the IANA zone when one was applied. */
function zonedTime(
  value: string,
  field: string,
  zone: ArticleZone | undefined,
): { at: string; zoneSource: PublishedZoneSource; zone?: string } {
  const written = readIsoDateField(value, field);
  if (written.offsetMinutes !== undefined) {
    return { at: instantOf(written, 'UTC').toISOString(), zoneSource: 'timestamp' };
  }
  if (!written.hasTime || !zone)
    return { at: instantOf(written, 'UTC').toISOString(), zoneSource: 'assumed-utc' };
  return { at: instantOf(written, zone.zone).toISOString(), zoneSource: zone.from, zone: zone.zone };
}

/** The language the sender gave, if any: articles with one need no detector. */
export function declaredLanguage(input: Pick<ArticleInput, 'lang'>): string | undefined {
  return optionalText(input.lang)?.toLowerCase();
}

function optionalText(value: string | undefined): string | undefined {
  const text = value === undefined ? '' : collapseSpaces(cleanText(value));
  return text === '' ? undefined : text;
}

/** The body as plain text: paragraphs separated by blank lines. */
export function articleText(article: Pick<Article, 'paragraphs'>): string {
  return article.paragraphs.join('\n\n');
}

/**
 * The article's opening text, at most `maxChars` long, cut at a word boundary with an ellipsis when longer.
 * Under a headline derived from the lead it starts after what that headline says, so a reader is not told
 * the same sentence twice.
 */
export function snippet(
  article: Pick<Article, 'paragraphs' | 'title' | 'titleDerived'>,
  maxChars: number,
): string {
  const [first = '', ...others] = article.paragraphs;
  const opening = article.titleDerived ? leadAfterHeadline(first, article.title) : first;
  const paragraphs = opening === '' ? others : [opening, ...others];
  // Joining only as many paragraphs as can show keeps this cheap for a 200,000-character body.
  let lead = '';
  for (const paragraph of paragraphs) {
    if (lead.length > 2 * maxChars) break;
    lead = lead === '' ? paragraph : `${lead} ${paragraph}`;
  }
  return lead === '' ? '' : cutAtWordBoundary(lead, maxChars);
}
