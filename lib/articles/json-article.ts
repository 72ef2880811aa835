import { ValidationError } from '../errors';
import { canonicalUrl } from './canonical-url';
import { cleanText, collapseSpaces, countChars } from './clean-text';
import { canonicalIsoText } from './dates';
import { assertArticleCount } from './limits';
import { canonicalTimeZone, invalidTimeZone } from './time-zones';
import type { ArticleInput } from './types';

export const MAX_TITLE_CHARS = 300;
export const MAX_SOURCE_CHARS = 100;

// A primary language subtag of 2–3 letters, optionally followed by BCP 47 subtags (en-GB, zh-Hant-TW).
const LANGUAGE_TAG = /^([a-z]{2,3})(?:-[a-z0-9]{2,8})*$/i;

/**
 * Validates a JSON article body `{ text, title?, url?, publishedAt?, updatedAt?, timezone?, source?, lang? }`. Unknown fields are
 * ignored, so senders can include their own metadata; known fields of the wrong type are rejected. An
 * optional field that is null or blank counts as absent (form posts and serialisers send those).
 * `lang` keeps only its primary language ("en-GB" → "en"): topics filter by language, not region.
 * A `publishedAt` without an offset keeps none, to be read in `timezone` (an IANA zone) or the source's zone.
 */
export function parseJsonArticle(body: unknown): ArticleInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`The article must be a JSON object such as {"text": "…"}, not ${describe(body)}.`);
  }
  const record = body as Record<string, unknown>;

  const text = record.text;
  if (typeof text !== 'string' || cleanText(text).trim() === '') {
    throw invalid('"text" must be a non-empty string.');
  }

  const title = optionalString(record, 'title');
  const url = optionalString(record, 'url');
  const publishedAt = optionalString(record, 'publishedAt');
  // A later updatedAt for the same article is a correction: ingest updates the stored one in place.
  const updatedAt = optionalString(record, 'updatedAt');
  const timezone = optionalString(record, 'timezone');
  const source = optionalString(record, 'source');
  const lang = optionalString(record, 'lang');
  return {
    text: text.trim(),
    ...(title !== undefined && { title: boundedText(title, 'title', MAX_TITLE_CHARS) }),
    ...(url !== undefined && { url: canonicalUrl(url) }),
    ...(publishedAt !== undefined && { publishedAt: canonicalIsoText(publishedAt, 'publishedAt') }),
    ...(updatedAt !== undefined && { updatedAt: canonicalIsoText(updatedAt, 'updatedAt') }),
    ...(timezone !== undefined && { timezone: timeZone(timezone) }),
    ...(source !== undefined && { source: boundedText(source, 'source', MAX_SOURCE_CHARS) }),
    ...(lang !== undefined && { lang: languageCode(lang) }),
  };
}

function optionalString(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`"${field}" must be a string, not ${describe(value)}.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function boundedText(value: string, field: string, maxChars: number): string {
  const text = collapseSpaces(cleanText(value));
  const chars = countChars(text);
  if (chars > maxChars) throw invalid(`"${field}" must be at most ${maxChars} characters; it has ${chars}.`);
  return text;
}

function timeZone(value: string): string {
  const zone = canonicalTimeZone(value);
  if (zone === undefined) throw invalidTimeZone(value);
  return zone;
}

function languageCode(value: string): string {
  const match = LANGUAGE_TAG.exec(value);
  if (!match?.[1]) throw invalid('"lang" must be a 2–3 letter language code such as "en" or "ar".');
  return match[1].toLowerCase();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function invalid(message: string): ValidationError {
  return new ValidationError('invalid_article', message);
}

/**
 * A JSON body holding one article, a list of them, or `{"articles": [...]}` (the list in an envelope, which
 * serialisers that cannot send a bare array produce). A list is accepted whole or not at all; errors name the
 * item that failed.
 */
export function parseJsonArticles(body: unknown): ArticleInput[] {
  const list = articleList(body);
  if (list === undefined) return [parseJsonArticle(body)];
  if (list.length === 0) throw new ValidationError('empty_article', 'The list of articles is empty.');
  assertArticleCount(list.length, 'articles');
  return list.map((item, i) => {
    try {
      return parseJsonArticle(item);
    } catch (error) {
      if (error instanceof ValidationError)
        throw new ValidationError(error.code, `Article ${i + 1}: ${error.message}`);
      throw error;
    }
  });
}

/** The list a body carries, bare or in an `articles` envelope; undefined for a single article. */
function articleList(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (typeof body !== 'object' || body === null || !('articles' in body)) return undefined;
  const { articles } = body as { articles: unknown };
  if ('text' in body) {
    throw invalid('Send either one article {"text": "…"} or {"articles": [...]}, not both in one object.');
  }
  if (!Array.isArray(articles)) {
    throw invalid(`"articles" must be a list of article objects, not ${describe(articles)}.`);
  }
  return articles;
}
