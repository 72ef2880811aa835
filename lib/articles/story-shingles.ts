import { cleanText } from './clean-text';

/** Words per shingle: three keeps chance overlap between different stories low while one edit costs three. */
export const SHINGLE_WORDS = 3;

// A digit group separator between digits ("1,000", "1.000", "1'000") goes, so number formats compare equal.
const DIGIT_GROUP = /(?<=\d)[,.'](?=\d{3}(?!\d))/g;
// Sentence ends (with any closing quotes or brackets) and line breaks end a run of shingles.
const SENTENCE_END = /[.!?…。！？؟]+["'”’»)\]]*(?=\s|$)|\n+/gu;
// As in canonicalBody (fingerprint.ts): every run of anything but letters, digits and marks is one space.
const NON_WORD = /[^\p{L}\p{N}\p{M}\n]+/gu;

const NEWLINE = 10;
const SPACE = 32;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

let buffer = new Uint32Array(1_024);

/** murmur3's 32-bit finaliser: every input bit reaches every output bit. */
export function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function shingleHash(first: number, second: number, third: number, words: number): number {
  return mix32(
    (first + Math.imul(second, 0x85ebca6b) + Math.imul(third, 0xc2b2ae35) + Math.imul(words, 0x27d4eb2f)) | 0,
  );
}

function push(count: number, hash: number): number {
  if (count === buffer.length) {
    const grown = new Uint32Array(buffer.length * 2);
    grown.set(buffer);
    buffer = grown;
  }
  buffer[count] = hash;
  return count + 1;
}

/**
 * The story's text as compared for near-duplicates: the title and paragraphs, NFKC, lower case, digit group
 * separators dropped, sentence ends and paragraph breaks as newlines, every other run of punctuation, symbols
 * and spaces as one space.
 */
export function comparableText(title: string, paragraphs: readonly string[]): string {
  return cleanText(`${title}\n${paragraphs.join('\n')}`)
    .normalize('NFKC')
    .toLowerCase()
    .replace(DIGIT_GROUP, '')
    .replace(SENTENCE_END, '\n')
    .replace(NON_WORD, ' ');
}

/**
 * Hashes of the story's word shingles (SHINGLE_WORDS consecutive words within one sentence; a shorter
 * sentence is one shingle of its words), in text order, repeats included. Shingles never span a sentence or
 * paragraph end, so reordering sentences or paragraphs leaves the set as it was. Words are hashed with 32-bit
 * FNV-1a over UTF-16 code units while scanning, with no string per word.
 *
 * The result is a view of a buffer the next call overwrites: copy it to keep it.
 */
export function shingleHashesView(title: string, paragraphs: readonly string[]): Uint32Array {
  const text = comparableText(title, paragraphs);
  let count = 0;
  let word = FNV_OFFSET;
  let inWord = false;
  let inSentence = 0;
  let first = 0;
  let second = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i === text.length ? NEWLINE : text.charCodeAt(i);
    if (code !== SPACE && code !== NEWLINE) {
      word = Math.imul(word ^ code, FNV_PRIME);
      inWord = true;
      continue;
    }
    if (inWord) {
      const hash = word >>> 0;
      inSentence++;
      if (inSentence >= SHINGLE_WORDS) count = push(count, shingleHash(first, second, hash, SHINGLE_WORDS));
      first = second;
      second = hash;
      word = FNV_OFFSET;
      inWord = false;
    }
    if (code === NEWLINE) {
      // A sentence shorter than a shingle still counts, as one shingle of the words it has.
      if (inSentence > 0 && inSentence < SHINGLE_WORDS) {
        count = push(count, shingleHash(inSentence === 1 ? second : first, second, 0, inSentence));
      }
      inSentence = 0;
      first = 0;
      second = 0;
    }
  }
  return buffer.subarray(0, count);
}
