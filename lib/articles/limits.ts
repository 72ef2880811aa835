import { ValidationError } from '../errors';
import { countChars } from './clean-text';

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
