import { cutAtClause } from './clause-cut';
import { trimEndOf } from './clean-text';
import { endsOnFunctionWord } from './function-words';
import { cutAtWordBoundary } from './text-cut';

/** Room for a headline in an email subject line and on one or two lines of a phone's inbox. */
export const HEADLINE_MAX_CHARS = 90;
const DANGLING = ' \t\n,;:-–—';

// Abbreviations that are normally followed by a capitalised name or a number ("Mr. Smith", "Jan. 5",
// "No. 10"), so a period after them does not end the sentence even before a capital letter.
const ABBREVIATIONS = new Set([
  'adm',
  'apr',
  'aug',
  'capt',
  'cmdr',
  'col',
  'dec',
  'dr',
  'feb',
  'fig',
  'ft',
  'gen',
  'gov',
  'hon',
  'jan',
  'jul',
  'jun',
  'lt',
  'maj',
  'mr',
  'mrs',
  'ms',
  'mt',
  'no',
  'nov',
  'oct',
  'pres',
  'prof',
  'rep',
  'rev',
  'sen',
  'sept',
  'sgt',
  'st',
  'vol',
  'vs',
]);

// Sentence-ending punctuation with any closing quotes or brackets, before whitespace or the end; CJK full
// stops need no space after them. The lookbehind starts a match only at the start of a run of punctuation,
// so a long run ("......") is scanned once instead of once per character.
const SENTENCE_END = /(?<![.!?…؟।])[.!?…؟।]+["'”’»)\]]*(?=\s|$)|[。！？]/gu;

// Sticky, so each check reads on from the match instead of copying the rest of the paragraph.
const NEXT_VISIBLE = /\s*(\S)/y;
// Longer than any abbreviation; bounds the backwards scan so long unspaced text stays linear.
const MAX_ABBREVIATION_CHARS = 16;

/**
 * A headline for an article that came without one, as a sub-editor would cut it from the lead sentence: the
 * whole sentence (without its final period) when it fits in HEADLINE_MAX_CHARS, else its main clause, cut
 * before a clause that only adds to it (", signalling…", ", which…", " — …"). Only when no clause fits is it
 * cut between words, with an ellipsis to show it goes on, and never on a word that opens a phrase
 * ("…visited Iraq on…").
 */
export function deriveHeadline(firstParagraph: string): string {
  const sentence = withoutFinalPeriod(leadSentence(firstParagraph));
  if (Array.from(sentence.slice(0, 2 * HEADLINE_MAX_CHARS + 2)).length <= HEADLINE_MAX_CHARS) return sentence;
  return cutAtClause(sentence, HEADLINE_MAX_CHARS) ?? cutBetweenWords(sentence);
}

function cutBetweenWords(sentence: string): string {
  const cut = cutAtWordBoundary(sentence, HEADLINE_MAX_CHARS);
  let kept = cut.endsWith('…') ? cut.slice(0, -1) : cut;
  // "…higher ground as the…" promises a phrase it never gives: drop the words that would open it.
  while (endsOnFunctionWord(kept) && /\s/.test(kept.trim())) {
    kept = trimEndOf(kept.replace(/\s+\S+\s*$/, ''), DANGLING);
  }
  return `${kept}…`;
}

/**
 * The first sentence of a paragraph. A period does not end it when it follows an abbreviation or an
 * initialism ("Mr.", "U.S.", "J."), when the next word starts in lower case ("e.g. this"), or when no space
 * follows it (decimals such as 3.5, and URLs).
 */
function leadSentence(paragraph: string): string {
  for (const match of paragraph.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    NEXT_VISIBLE.lastIndex = end;
    const next = NEXT_VISIBLE.exec(paragraph)?.[1];
    if (next === undefined) break;
    if (/\p{Ll}/u.test(next)) continue;
    if (match[0] === '.' && isAbbreviation(wordBefore(paragraph, match.index))) continue;
    return paragraph.slice(0, end).trim();
  }
  return paragraph.trim();
}

/** The word that ends at `end`, without opening quotes or brackets: "(Mr" is "Mr". */
function wordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && end - start <= MAX_ABBREVIATION_CHARS && !/\s/.test(text.charAt(start - 1))) start--;
  return text.slice(start, end).replace(/^[^\p{L}\p{N}]+/u, '');
}

function isAbbreviation(word: string): boolean {
  return (
    ABBREVIATIONS.has(word.toLowerCase()) ||
    // Initialisms: "U.S", "U.N", "e.g" (their final period is the one being tested) and single initials.
    /^(?:\p{L}\.)+\p{L}$/u.test(word) ||
    /^\p{Lu}$/u.test(word)
  );
}

function withoutFinalPeriod(sentence: string): string {
  if (!sentence.endsWith('.') || sentence.endsWith('..')) return sentence;
  return isAbbreviation(wordBefore(sentence, sentence.length - 1)) ? sentence : sentence.slice(0, -1);
}
