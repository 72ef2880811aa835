import { trimEndOf } from './clean-text';

export interface CaptionAndCredit {
  caption?: string;
  credit?: string;
}

// Agencies and picture desks that sign photos. Matched case-sensitively: a bare trailing word is taken as the
// credit only when it is one of these, so "…rescuers at the file" keeps its last word.
const KNOWN_CREDITS = new Set([
  'AFP',
  'AP',
  'AP Photo',
  'AAP',
  'ANI',
  'Anadolu',
  'Anadolu Agency',
  'Associated Press',
  'Bloomberg',
  'DPA',
  'dpa',
  'EFE',
  'EPA',
  'EPA-EFE',
  'File',
  'Getty',
  'Getty Images',
  'Handout',
  'Kyodo',
  'PTI',
  'REUTERS',
  'Reuters',
  'Shutterstock',
  'Supplied',
  'UPI',
  'WAM',
  'Xinhua',
  'Yonhap',
]);
const MAX_CREDIT_WORDS = 8;
const MAX_MARKED_CREDIT_CHARS = 80;

// "… Photo: AFP", "… Photo by Jane Doe", "… Image: Reuters". Greedy prefix: the last marker wins.
const MARKED_CREDIT = /^(.*)\b(?:photos?|pictures?|images?|credit)\s*(?::|\bby\b)\s*(\S.*)$/i;
// A caption sentence, or a dash/pipe separator, followed by a tail that may be the credit. Greedy: the last one.
const SENTENCE_THEN_TAIL = /^(.*(?:[.!?…]["'”’)\]]*|\s[|—–-]))\s+(\S.*)$/u;
// Left between a caption and its credit: "Caption — AFP", "Caption | Photo: AFP".
const SEPARATORS = ' ,;:|—–-';

/**
 * Splits the text after the date line's ISO date into the photo caption and the credit at its end, which
 * may be several words ("AFP/Getty Images", "Reuters/Jane Doe"). Unknown names count as a credit only when
 * something marks them off from the caption (a "Photo:" label, a dash, or the end of the caption's last
 * sentence); otherwise the whole text stays caption rather than losing its last words to a wrong credit.
 */
export function splitCaptionAndCredit(text: string): CaptionAndCredit {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return {};

  const marked = MARKED_CREDIT.exec(line);
  // A capital keeps "a photo by the lake" in the caption.
  if (marked?.[2] && marked[2].length <= MAX_MARKED_CREDIT_CHARS && /^[\p{Lu}\p{N}]/u.test(marked[2])) {
    return result(marked[1] ?? '', withoutFinalPeriod(marked[2]));
  }

  const split = SENTENCE_THEN_TAIL.exec(line);
  const tail = split?.[2] && withoutFinalPeriod(split[2]);
  if (split && tail && isCredit(tail, false)) return result(split[1] ?? '', tail);

  const words = line.split(' ');
  for (let start = Math.max(0, words.length - MAX_CREDIT_WORDS); start < words.length; start++) {
    const candidate = withoutFinalPeriod(words.slice(start).join(' '));
    if (isCredit(candidate, true)) return result(words.slice(0, start).join(' '), candidate);
  }
  return { caption: line };
}

/** Parts joined by "/" or "via"; in strict mode the first must be a known agency, later ones may be names. */
function isCredit(candidate: string, strict: boolean): boolean {
  if (candidate.split(' ').length > MAX_CREDIT_WORDS) return false;
  return candidate
    .split(/\s*\/\s*|\s+via\s+/)
    .every((part, index) => KNOWN_CREDITS.has(part) || ((!strict || index > 0) && isName(part)));
}

function isName(part: string): boolean {
  const words = part.split(' ');
  return words.length <= 4 && words.every((word) => /^[\p{Lu}\p{N}][\p{L}\p{N}.'’&-]*$/u.test(word));
}

function withoutFinalPeriod(text: string): string {
  return text.replace(/\.$/, '');
}

function result(caption: string, credit: string): CaptionAndCredit {
  const trimmedCaption = trimEndOf(caption, SEPARATORS);
  return trimmedCaption === '' ? { credit } : { caption: trimmedCaption, credit };
}
