import { ValidationError } from '../errors';
import { countChars } from './clean-text';

/** One request may carry at most this many articles, in a JSON list or as the items of a feed. */
export const MAX_ARTICLES_PER_REQUEST = 100;

export const MAX_BODY_CHARS = 200_000;
export const MAX_PARAGRAPHS = 2_000;
/**
 * A stored article is one DynamoDB item, which may not exceed 400 KB; text in other scripts takes two to
 * four bytes a character, so the body is also bounded in UTF-8 bytes, leaving room for the other fields.
 */
export const MAX_BODY_BYTES = 300_000;

/** Bounds the work every later step (matching, storage, email) does for one article. */
export function assertBodyWithinLimits(paragraphs: readonly string[], body: string): void {
  if (paragraphs.length > MAX_PARAGRAPHS) {
    throw new ValidationError(
      'article_too_large',
      `The article has ${paragraphs.length.toLocaleString('en')} paragraphs; at most ${MAX_PARAGRAPHS.toLocaleString('en')} are accepted.`,
    );
  }
  const chars = countChars(body);
  if (chars > MAX_BODY_CHARS) {
    throw new ValidationError(
      'article_too_large',
      `The article body has ${chars.toLocaleString('en')} characters; at most ${MAX_BODY_CHARS.toLocaleString('en')} are accepted.`,
    );
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    throw new ValidationError(
      'article_too_large',
      `The article body takes ${bytes.toLocaleString('en')} bytes as UTF-8; at most ${MAX_BODY_BYTES.toLocaleString('en')} are accepted.`,
    );
  }
}

/** Refuses a request with more articles than one request may carry, before any of them is read. */
export function assertArticleCount(count: number, what: 'articles' | 'feed items'): void {
  if (count > MAX_ARTICLES_PER_REQUEST) {
    throw new ValidationError(
      'too_many_articles',
      `Send at most ${MAX_ARTICLES_PER_REQUEST} ${what} in one request; this one has ${count}.`,
    );
  }
}
