import { ValidationError } from '../errors';

/**
 * U+FFFD is what a decoder leaves where it lost a character: text holding one was damaged before it got
 * here (on API Gateway, a body it took for UTF-8 and was not), and storing it would keep the damage.
 */
export function assertNothingLost(text: string): void {
  const at = text.indexOf('\uFFFD');
  if (at === -1) return;
  throw new ValidationError(
    'invalid_encoding',
    `The body holds U+FFFD, the replacement character, at character ${at}: characters were lost in an earlier decoding. Send the original bytes with their charset declared.`,
  );
}
