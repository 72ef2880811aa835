import { countChars, trimEndOf } from './clean-text';
import { endsOnFunctionWord, lastWord } from './function-words';

// Punctuation a headline does not end on once the clause after it is gone.
const TRAILING = ' \t\n,;:-–—';

/**
 * After a comma, these open a clause that adds to the news rather than being it ("…, signalling the
 * importance of ties", "…, which the board says…"), so a headline can stop before them. A lower-case word
 * ending in -ing after a comma is nearly always such a clause too ("…, putting 2,300 jobs at risk").
 */
const COMMA_OPENERS = new Set([
  'according',
  'adding',
  'after',
  'although',
  'amid',
  'as',
  'because',
  'before',
  'but',
  'citing',
  'despite',
  'following',
  'including',
  'prompting',
  'saying',
  'signalling',
  'signaling',
  'since',
  'though',
  'until',
  'when',
  'where',
  'which',
  'while',
  'whilst',
  'who',
  'with',
]);

/** Without a comma only these reliably start a new clause ("walked out on Tuesday as talks broke down"). */
const BARE_OPENERS = new Set([
  'after',
  'amid',
  'as',
  'because',
  'before',
  'despite',
  'following',
  'when',
  'while',
]);

/**
 * Words before a bare opener that bind it into a phrase, so cutting there would split one idea: "shortly
 * before", "such as", "served as", "as well as".
 */
const BINDS_NEXT = new Set([
  'act',
  'acted',
  'acts',
  'appointed',
  'described',
  'elected',
  'even',
  'far',
  'immediately',
  'just',
  'known',
  'long',
  'many',
  'much',
  'named',
  'not',
  'only',
  'regarded',
  'right',
  'same',
  'seen',
  'serve',
  'served',
  'serves',
  'shortly',
  'so',
  'soon',
  'such',
  'twice',
  'well',
  'work',
  'worked',
  'works',
]);
/** "two years after the floods": after and before measured from a time are part of the time. */
const TIME_BEFORE = /^(?:days?|hours?|minutes?|moments|weeks?|months?|years?|decades?)$/;
/** "as well as", "as part of", "as much as": "as" opening a phrase, not a clause. */
const AS_PHRASE = /^as\s+(?:well|much|many|long|far|soon|part|if|though|such|of)\b/i;

// Wire leads put the day right after the main clause ("… resigned on Friday after an inquiry …").
const DAY_PHRASE =
  /\b(?:(?:late|early)\s+)?on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning|afternoon|evening|night))?(?![\p{L}'’])/gu;

const DAY_AT_START = new RegExp(`^\\s+${DAY_PHRASE.source}`, 'u');

/** The day phrase does not end the clause when what the verb says comes after it ("agreed on Monday to merge"). */
const COMPLEMENT = /^\s+(?:to|that|it|he|she|they|we|its|his|her|their)\b/i;

/**
 * Prepositions that open a phrase the main clause can stand without ("…from the museum in a night-time
 * raid"). "of", "to" and "than" are left out: they bind to the word before ("a fifth of", "214 votes to 190").
 */
const PHRASE_OPENERS = new Set([
  'across',
  'against',
  'among',
  'at',
  'between',
  'by',
  'during',
  'for',
  'from',
  'in',
  'into',
  'near',
  'on',
  'over',
  'through',
  'towards',
  'under',
  'with',
  'within',
  'without',
]);

/** Words that lean on the phrase after them, so a head cannot stop on them: "compared with", "late on". */
const LEANS_ON_NEXT = new Set([
  'according',
  'ahead',
  'apart',
  'compared',
  'due',
  'early',
  'instead',
  'late',
  'prior',
  'thanks',
]);

enum Strength {
  /** A dash, a semicolon, or a comma before a clause opener. */
  Clause,
  /** A clause opener without a comma. */
  BareOpener,
  /** Just after the day of the news. */
  DayPhrase,
  /** Any other comma: a list or an aside as often as a clause, so only a long head is trusted. */
  Comma,
  /** Before a prepositional phrase of the main clause: what is left is the news without its detail. */
  Phrase,
}

const MIN_WORDS = 4;
const MIN_CHARS = 20;

/**
 * The longest head of `sentence`, at most `maxChars` code points, that ends where a clause does and reads
 * whole on its own; undefined when none does. Stronger boundaries win over longer heads: a cut before
 * ", which" is a safer headline than a longer one at a bare comma.
 */
export function cutAtClause(sentence: string, maxChars: number): string | undefined {
  // A head holds at most maxChars code points, two UTF-16 units each; the extra is enough to read the
  // word after the last cut that could fit.
  const window = sentence.slice(0, 2 * maxChars + 40);
  const cuts = clauseCuts(window);
  const strengths = [
    Strength.Clause,
    Strength.BareOpener,
    Strength.DayPhrase,
    Strength.Comma,
    Strength.Phrase,
  ];
  for (const strength of strengths) {
    let best: string | undefined;
    for (const cut of cuts) {
      if (cut.strength !== strength) continue;
      const head = trimEndOf(window.slice(0, cut.end), TRAILING);
      if ((best === undefined || head.length > best.length) && readsWhole(head, strength, maxChars))
        best = head;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

function clauseCuts(window: string): { end: number; strength: Strength }[] {
  const cuts: { end: number; strength: Strength }[] = [];
  for (const match of window.matchAll(/\s+[—–-]\s|;\s/g))
    cuts.push({ end: match.index, strength: Strength.Clause });
  for (const match of window.matchAll(/,\s+(\p{L}+)/gu)) {
    const word = match[1] ?? '';
    const opens = COMMA_OPENERS.has(word) || /^\p{Ll}{3,}ing$/u.test(word);
    cuts.push({ end: match.index, strength: opens ? Strength.Clause : Strength.Comma });
  }
  for (const match of window.matchAll(/(?<=\S)\s+(\p{Ll}+)(?=\s)/gu)) {
    const word = match[1] ?? '';
    if (PHRASE_OPENERS.has(word) && !dayBeforeComplement(window.slice(match.index))) {
      cuts.push({ end: match.index, strength: Strength.Phrase });
    }
    if (!BARE_OPENERS.has(word)) continue;
    const before = lastWord(window.slice(0, match.index));
    if (BINDS_NEXT.has(before) || ((word === 'after' || word === 'before') && TIME_BEFORE.test(before)))
      continue;
    if (AS_PHRASE.test(window.slice(match.index).trimStart())) continue;
    cuts.push({ end: match.index, strength: Strength.BareOpener });
  }
  for (const match of window.matchAll(DAY_PHRASE)) {
    const end = match.index + match[0].length;
    if (!COMPLEMENT.test(window.slice(end))) cuts.push({ end, strength: Strength.DayPhrase });
  }
  return cuts;
}

/** " on Wednesday evening to move to higher ground": the verb before it still waits for what it says. */
function dayBeforeComplement(rest: string): boolean {
  const day = DAY_AT_START.exec(rest);
  return day !== null && COMPLEMENT.test(rest.slice(day[0].length));
}

function readsWhole(head: string, strength: Strength, maxChars: number): boolean {
  const chars = countChars(head);
  return (
    chars <= maxChars &&
    chars >= (strength >= Strength.Comma ? maxChars / 2 : MIN_CHARS) &&
    head.split(/\s+/).length >= MIN_WORDS &&
    !endsOnFunctionWord(head) &&
    !LEANS_ON_NEXT.has(lastWord(head)) &&
    quotesAndBracketsClosed(head) &&
    !endsInsideAside(head)
  );
}

function quotesAndBracketsClosed(head: string): boolean {
  const count = (pattern: RegExp) => head.match(pattern)?.length ?? 0;
  return (
    count(/“/g) === count(/”/g) &&
    count(/"/g) % 2 === 0 &&
    count(/\(/g) === count(/\)/g) &&
    count(/«/g) === count(/»/g)
  );
}

/**
 * "Kessel airport, the country's busiest" and "A former police chief, Henrik Salo": a head whose last comma
 * opens an aside (a name, a description, a relative clause, an age) that the next comma would have closed.
 * An attribution ("…, the ministry said") is a whole clause and may stay.
 */
function endsInsideAside(head: string): boolean {
  const parts = head.split(/,\s+/);
  if (parts.length % 2 === 1) return false;
  const last = parts[parts.length - 1] ?? '';
  if (/\b(?:said|says|say|reported|announced|confirmed)$/.test(last)) return false;
  return /^(?:who|whom|whose|which|where|the|a|an|aged|\p{Lu}|\p{N})/u.test(last);
}
