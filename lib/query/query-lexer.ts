import { QueryError } from './query-error';

export type FieldName = 'title' | 'source' | 'lang';

export type LexToken =
  | { readonly type: 'lparen' | 'rparen' | 'minus' | 'and' | 'or' | 'not'; readonly index: number }
  | { readonly type: 'near'; readonly distance: number; readonly index: number; readonly text: string }
  | { readonly type: 'field'; readonly field: FieldName; readonly index: number }
  | { readonly type: 'word' | 'phrase'; readonly text: string; readonly index: number };

export const MAX_NEAR_DISTANCE = 100;

const FIELDS: ReadonlySet<string> = new Set<FieldName>(['title', 'source', 'lang']);
// Curly double quotes delimit phrases like straight ones; curly single quotes are apostrophes (see tokenizer).
const DOUBLE_QUOTES = new Set(['"', '“', '”', '„']);
const WHITESPACE = /\s/u;

/** 1-based column counted in characters (code points), as a user sees them. */
export function columnAt(source: string, index: number): number {
  let column = 1;
  for (let i = 0; i < index; i++) {
    const code = source.charCodeAt(i);
    // A surrogate pair is one character: count only its first half.
    if (code < 0xdc00 || code > 0xdfff) column++;
  }
  return column;
}

function fail(source: string, index: number, message: (column: number) => string): never {
  const column = columnAt(source, index);
  throw new QueryError(message(column), column);
}

function isSpace(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return WHITESPACE.test(char);
}

function endsChunk(char: string): boolean {
  return char === '(' || char === ')' || DOUBLE_QUOTES.has(char) || isSpace(char);
}

export function lexQuery(source: string): LexToken[] {
  const tokens: LexToken[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source.charAt(i);
    if (isSpace(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'lparen' : 'rparen', index: i });
      i++;
    } else if (DOUBLE_QUOTES.has(char)) {
      let end = i + 1;
      while (end < source.length && !DOUBLE_QUOTES.has(source.charAt(end))) end++;
      if (end >= source.length)
        fail(source, i, (c) => `Unbalanced quote at column ${c}: close the phrase with "`);
      tokens.push({ type: 'phrase', text: source.slice(i + 1, end), index: i });
      i = end + 1;
    } else if (char === '-') {
      const next = source.charAt(i + 1);
      if (next === '' || next === ')' || isSpace(next)) {
        fail(
          source,
          i,
          (c) => `"-" at column ${c} must be directly followed by what to exclude, e.g. -Tirana`,
        );
      }
      tokens.push({ type: 'minus', index: i });
      i++;
    } else {
      let end = i;
      while (end < source.length && !endsChunk(source.charAt(end))) end++;
      i = lexChunk(source, source.slice(i, end), i, end, tokens);
    }
  }
  return tokens;
}

/** Lexes one run of non-space characters; returns where lexing continues. */
function lexChunk(source: string, chunk: string, start: number, end: number, tokens: LexToken[]): number {
  if (chunk === 'AND' || chunk === 'OR' || chunk === 'NOT') {
    tokens.push({ type: chunk === 'AND' ? 'and' : chunk === 'OR' ? 'or' : 'not', index: start });
    return end;
  }
  if (chunk === 'NEAR' || chunk.startsWith('NEAR/')) {
    const distance = /^NEAR\/(\d{1,4})$/.exec(chunk)?.[1];
    const n = distance === undefined ? 0 : Number(distance);
    if (n < 1 || n > MAX_NEAR_DISTANCE) {
      fail(
        source,
        start,
        (c) => `NEAR at column ${c} needs a distance from 1 to ${MAX_NEAR_DISTANCE}, e.g. NEAR/5`,
      );
    }
    tokens.push({ type: 'near', distance: n, index: start, text: chunk });
    return end;
  }
  const field = /^(\p{L}+):/u.exec(chunk)?.[1];
  if (field !== undefined) {
    const after = start + field.length + 1;
    const next = source.charAt(after);
    // "Iran: talks" is a word followed by a colon, not a field: a field is glued to what it applies to.
    const glued = next !== '' && !isSpace(next) && next !== ')';
    const name = field.toLowerCase();
    if (FIELDS.has(name)) {
      if (!glued)
        fail(source, start, (c) => `${name}: at column ${c} must be followed by a word or a quoted phrase`);
      if (next === '(') {
        fail(
          source,
          start,
          (c) => `${name}: at column ${c} applies to one word or quoted phrase, not to parentheses`,
        );
      }
      tokens.push({ type: 'field', field: name as FieldName, index: start });
      return after;
    }
    if (glued) {
      fail(source, start, (c) => `Unknown field "${field}:" at column ${c}: use title:, source: or lang:`);
    }
  }
  tokens.push({ type: 'word', text: chunk, index: start });
  return end;
}
