/**
 * The one tokenizer shared by articles and queries, so both sides always agree on what a word is.
 *
 * - Case and accents are folded: lower-case, NFKD, drop nonspacing marks (Mn) and invisible format characters
 *   (Cf: soft hyphens, zero-width joiners, bidi controls), then NFC so Hangul syllables are recomposed.
 * - A token is a run of letters, digits and spacing marks. Everything else separates tokens, so hyphens
 *   split words (`al-Sudani` → `al`, `sudani`) and so do apostrophes (`O'Brien` → `o`, `brien`).
 * - A possessive `'s` / `’s` at the end of a word is dropped (`Iran's` → `iran`).
 * - A comma between digits is a thousands separator and vanishes (`2,500` → `2500`); a dot between digits
 *   is kept (`3.5` stays `3.5`, so it never collides with `35`).
 * - Han, Hiragana, Katakana and Hangul letters are one token per character: those scripts do not put
 *   spaces between words, so a query word becomes a phrase of characters and matches anywhere in a run
 *   (`北京` matches inside `北京市`).
 */

const CJK = String.raw`[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]`;
const LETTER = String.raw`[\p{L}\p{N}\p{M}]`;
const CJK_LETTER = `[${LETTER}&&${CJK}]`;
const WORD_LETTER = `[${LETTER}--${CJK}]`;
const NUMBER_SEPARATOR = String.raw`(?<=\p{N})[.,](?=\p{N})`;

// A fixed pattern (never built from user input) whose repeated group consumes one character per step,
// so scanning is linear in the text length.
const TOKEN = new RegExp(
  `(${CJK_LETTER})|((?:${WORD_LETTER}|${NUMBER_SEPARATOR})+)(?:['’]s(?!${WORD_LETTER}))?`,
  'gv',
);

const IGNORED = /[\p{Mn}\p{Cf}]/gu;

// ASCII needs only lower-casing (no accents, marks or compatibility forms), and a plain ASCII word is one
// token: the shortcuts keep parsing a million stored queries fast.
const ASCII = /^\p{ASCII}*$/u;
const PLAIN_WORD = /^[A-Za-z0-9]+$/;

export function normalizeText(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  return text.toLowerCase().normalize('NFKD').replace(IGNORED, '').normalize('NFC');
}

export function tokenizeText(text: string): string[] {
  if (PLAIN_WORD.test(text)) return [text.toLowerCase()];
  const tokens: string[] = [];
  for (const match of normalizeText(text).matchAll(TOKEN)) {
    const word = match[1] ?? match[2];
    if (word !== undefined) tokens.push(word.includes(',') ? word.replaceAll(',', '') : word);
  }
  return tokens;
}
