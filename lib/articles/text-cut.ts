import { trimEndOf } from './clean-text';

const ELLIPSIS = '…';
// Punctuation that reads badly right before an ellipsis.
const DANGLING = ' \t\n,;:.-–—';
// Enough text past the cut for the segmenter to see whether a word ends there.
const LOOKAHEAD_CHARS = 40;

/**
 * Returns `text` unchanged when it fits in `maxChars` code points, else its longest prefix that ends at a word
 * boundary followed by an ellipsis, `maxChars` long at most. Cuts at whitespace when that keeps at least half
 * the room; otherwise (CJK, Thai, a long URL) at a dictionary word boundary, and inside a single overlong word
 * at a grapheme boundary.
 */
export function cutAtWordBoundary(text: string, maxChars: number): string {
  if (!Number.isInteger(maxChars) || maxChars < 1) {
    throw new RangeError(`maxChars must be a positive integer, got ${maxChars}`);
  }
  // A code point takes at most two UTF-16 units, so this prefix holds more than maxChars code points if the text does.
  const chars = Array.from(text.slice(0, 2 * maxChars + 2));
  if (chars.length <= maxChars) return text;

  // The kept text gets maxChars - 1 code points, one is left for the ellipsis; `room` is that in UTF-16 units.
  const room = chars.slice(0, maxChars - 1).join('').length;
  const probe = chars.slice(0, maxChars + LOOKAHEAD_CHARS).join('');
  const byWords = lastWordsFitting(probe, room);
  // A lone space early in unspaced text ("Tokyo 東京都…") must not throw away most of the room.
  const kept =
    byWords !== undefined && byWords.length * 2 >= room
      ? byWords
      : probe.slice(0, lastBoundary(probe, room, 'word') || lastBoundary(probe, room, 'grapheme') || room);
  return (trimEndOf(kept, DANGLING) || kept) + ELLIPSIS;
}

/**
 * The longest run of whole words, without dangling punctuation, that fits in `room`. A space just past the
 * room still counts: "shops, and" cut after "shops," keeps "shops" once the comma is dropped.
 */
function lastWordsFitting(probe: string, room: number): string | undefined {
  const spaces = [...probe.matchAll(/\s/g)].map((match) => match.index).reverse();
  for (const space of spaces) {
    const kept = trimEndOf(probe.slice(0, space), DANGLING);
    if (kept !== '' && kept.length <= room) return kept;
  }
  return undefined;
}

/** The last segment boundary at or before `limit` (UTF-16 index), or 0 when there is none. */
function lastBoundary(probe: string, limit: number, granularity: 'word' | 'grapheme'): number {
  let best = 0;
  for (const { index } of new Intl.Segmenter(undefined, { granularity }).segment(probe)) {
    if (index > limit) break;
    best = index;
  }
  return best;
}
