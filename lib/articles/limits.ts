import { ValidationError } from '../errors';
import { countChars } from './clean-text';

export const MAX_BODY_CHARS = 200_000;
export const MAX_PARAGRAPHS = 2_000;

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
}
