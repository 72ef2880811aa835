import { createHash } from 'node:crypto';
import { cleanText } from './clean-text';

// 80 bits of the hash: collisions are negligible at any realistic article count, and the id stays short in URLs.
const ID_HEX_CHARS = 20;

/**
 * The body as compared for duplicates: NFKC (full-width and ligature forms fold to plain letters), lower case,
 * and every run of punctuation, symbols and whitespace collapsed to one space. Re-pasting the same story with
 * curly instead of straight quotes, different dashes, spacing or paragraph breaks gives the same text.
 */
export function canonicalBody(text: string): string {
  return canonicalOfClean(cleanText(text));
}

/** `canonicalBody` of text that has been through `cleanText` already (an article's paragraphs). */
export function canonicalOfClean(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

/** sha256 hex of the canonical body. */
export function fingerprintBody(text: string): string {
  return fingerprintOfCanonical(canonicalBody(text));
}

/** sha256 hex of a body already made canonical: the article reads its body's canonical form once. */
export function fingerprintOfCanonical(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/** A short, URL-safe article id: the fingerprint's prefix, so the same story always gets the same id. */
export function articleIdFromFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, ID_HEX_CHARS);
}

/**
 * The stored article's id: from its canonical URL when it has one (a publisher's page is one article
 * however its text is edited, so a correction re-ingested lands on the same item), else from its given
 * headline and body compared as `canonicalBody` does. The prefixes keep a URL and a text that happened to
 * read alike apart. An untitled story's id is its body fingerprint's, as before links were keyed by URL.
 */
export function articleIdFor(article: {
  readonly url?: string;
  readonly title?: string;
  readonly fingerprint: string;
  /** The body as `canonicalBody` gives it. */
  readonly canonicalBody: string;
}): string {
  if (article.url !== undefined) return idOf(`url\n${article.url}`);
  if (article.title === undefined) return articleIdFromFingerprint(article.fingerprint);
  return idOf(`text\n${canonicalBody(article.title)}\n${article.canonicalBody}`);
}

const idOf = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, ID_HEX_CHARS);
