import type { Leaf, NearOperand, ParsedQuery, Scope, WordPattern } from './ast';
import { langLeaf, nearLeaf, phraseLeaf, prefixLeaf, termLeaf } from './leaf-factory';
import { toClauses, toNegationNormalForm, type WrittenNode } from './normal-forms';
import { QueryError } from './query-error';
import { columnAt, type LexToken, lexQuery } from './query-lexer';
import { tokenizeText } from './text-tokens';

export const QUERY_LIMITS = {
  maxLength: 500,
  maxTerms: 50,
  maxDepth: 10,
  minWildcardStem: 3,
} as const;

const LANG_CODE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;

/**
 * Parses a topic query. Precedence, tightest first: NEAR/n, NOT (and `-`), AND (also implied by a space),
 * OR. Operators are upper-case words only; `and`/`or` in lower case are ordinary words. Throws `QueryError`
 * with the 1-based column for syntax errors and a plain reason for queries that could never match sensibly.
 */
export function parseQuery(text: string): ParsedQuery {
  // Code points never outnumber UTF-16 units, so only a long string needs counting.
  const length = text.length > QUERY_LIMITS.maxLength ? [...text].length : text.length;
  if (length > QUERY_LIMITS.maxLength) {
    throw new QueryError(`Query is ${length} characters long; the limit is ${QUERY_LIMITS.maxLength}`);
  }
  if (text.trim() === '') throw new QueryError('Query is empty: give at least one word to look for');
  const written = new Parser(text, lexQuery(text)).parse();
  const ast = toNegationNormalForm(written);
  return { source: text, ast, clauses: toClauses(ast) };
}

function describe(token: LexToken): string {
  switch (token.type) {
    case 'and':
      return 'AND';
    case 'or':
      return 'OR';
    case 'not':
      return 'NOT';
    case 'minus':
      return '"-"';
    case 'near':
      return token.text;
    case 'lparen':
      return '"("';
    case 'rparen':
      return '")"';
    case 'field':
      return `${token.field}:`;
    default:
      return `"${token.text}"`;
  }
}

function startsOperand(token: LexToken | undefined): boolean {
  if (token === undefined) return false;
  return ['lparen', 'minus', 'not', 'field', 'word', 'phrase'].includes(token.type);
}

class Parser {
  private position = 0;
  private depth = 0;
  private terms = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly LexToken[],
  ) {}

  parse(): WrittenNode {
    const node = this.parseOr();
    const rest = this.peek();
    if (rest !== undefined) {
      // parseOr stops only at a ")" it cannot pair or at an operator with nothing before it.
      if (rest.type === 'rparen') this.fail(rest.index, (c) => `Unbalanced parenthesis at column ${c}`);
      this.fail(rest.index, (c) => `${describe(rest)} at column ${c} needs a term before it`);
    }
    return node;
  }

  private peek(): LexToken | undefined {
    return this.tokens[this.position];
  }

  private next(): LexToken | undefined {
    const token = this.tokens[this.position];
    this.position++;
    return token;
  }

  private fail(index: number, message: (column: number) => string): never {
    const column = columnAt(this.source, index);
    throw new QueryError(message(column), column);
  }

  private expectOperandAfter(operator: LexToken): void {
    if (!startsOperand(this.peek())) {
      this.fail(operator.index, (c) => `${describe(operator)} at column ${c} needs a term after it`);
    }
  }

  private parseOr(): WrittenNode {
    const children = [this.parseAnd()];
    for (let token = this.peek(); token?.type === 'or'; token = this.peek()) {
      this.next();
      this.expectOperandAfter(token);
      children.push(this.parseAnd());
    }
    return children.length === 1 && children[0] ? children[0] : { kind: 'or', children };
  }

  private parseAnd(): WrittenNode {
    const children = [this.parseUnary()];
    for (let token = this.peek(); ; token = this.peek()) {
      if (token?.type === 'and') {
        this.next();
        this.expectOperandAfter(token);
      } else if (!startsOperand(token)) {
        break;
      }
      children.push(this.parseUnary());
    }
    return children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
  }

  private parseUnary(): WrittenNode {
    const token = this.peek();
    if (token?.type === 'not' || token?.type === 'minus') {
      this.next();
      this.expectOperandAfter(token);
      return { kind: 'not', child: this.parseUnary() };
    }
    return this.parseNear();
  }

  private parseNear(): WrittenNode {
    const leftToken = this.peek();
    const left = this.parsePrimary();
    const near = this.peek();
    if (near?.type !== 'near') return left;
    this.next();
    const leftOperand = this.nearOperand(left, leftToken, near);
    const rightToken = this.peek();
    if (rightToken === undefined || !['field', 'word', 'phrase'].includes(rightToken.type)) {
      this.fail(near.index, (c) => `${near.text} at column ${c} needs a word or quoted phrase after it`);
    }
    const rightOperand = this.nearOperand(this.parsePrimary(), rightToken, near);
    const chained = this.peek();
    if (chained?.type === 'near') {
      this.fail(chained.index, (c) => `NEAR at column ${c} cannot be chained; join pairs with AND instead`);
    }
    return nearLeaf(leftOperand, rightOperand, near.distance);
  }

  private nearOperand(node: WrittenNode, token: LexToken | undefined, near: LexToken): NearOperand {
    if (node.kind === 'term' || node.kind === 'prefix' || node.kind === 'phrase') return node;
    this.fail(token?.index ?? near.index, (c) => `NEAR only joins words or quoted phrases (see column ${c})`);
  }

  private parsePrimary(): WrittenNode {
    const token = this.next();
    if (token === undefined) throw new QueryError('Query ended where a word was expected');
    switch (token.type) {
      case 'lparen':
        return this.parseGroup(token.index);
      case 'field':
        return this.parseField(token.field, token.index);
      case 'word':
        return this.wordLeaf('any', token.text, token.index);
      case 'phrase':
        return this.phraseLeaf('any', token.text, token.index);
      case 'rparen':
        return this.fail(token.index, (c) => `Unbalanced parenthesis at column ${c}`);
      default:
        return this.fail(token.index, (c) => `${describe(token)} at column ${c} needs a term before it`);
    }
  }

  private parseGroup(index: number): WrittenNode {
    this.depth++;
    if (this.depth > QUERY_LIMITS.maxDepth) {
      this.fail(index, (c) => `Parentheses nest deeper than ${QUERY_LIMITS.maxDepth} levels at column ${c}`);
    }
    if (this.peek()?.type === 'rparen') this.fail(index, (c) => `Empty parentheses at column ${c}`);
    const inner = this.parseOr();
    if (this.next()?.type !== 'rparen') this.fail(index, (c) => `Unbalanced parenthesis at column ${c}`);
    this.depth--;
    return inner;
  }

  private parseField(field: 'title' | 'source' | 'lang', index: number): WrittenNode {
    const target = this.next();
    if (field === 'lang') {
      if (target?.type !== 'word' || !LANG_CODE.test(target.text)) {
        this.fail(index, (c) => `lang: at column ${c} needs a language code such as en or pt-BR`);
      }
      this.countTerms(1, index);
      return langLeaf(target.text.toLowerCase());
    }
    if (target?.type === 'word') return this.wordLeaf(field, target.text, target.index);
    if (target?.type === 'phrase') return this.phraseLeaf(field, target.text, target.index);
    return this.fail(index, (c) => `${field}: at column ${c} must be followed by a word or a quoted phrase`);
  }

  private countTerms(count: number, index: number): void {
    this.terms += count;
    if (this.terms > QUERY_LIMITS.maxTerms) {
      this.fail(
        index,
        (c) => `Query has more than ${QUERY_LIMITS.maxTerms} terms (limit reached at column ${c})`,
      );
    }
  }

  /** A bare word; punctuation inside it (`al-Sudani`, `U.S.`) turns it into a phrase of its tokens. */
  private wordLeaf(scope: Scope, text: string, index: number): Leaf {
    const words = this.patterns(text, index);
    const only = words.length === 1 ? words[0] : undefined;
    if (only === undefined) return phraseLeaf(scope, words);
    return only.prefix ? prefixLeaf(scope, only.text) : termLeaf(scope, only.text);
  }

  /** A quoted phrase: exact words; a single quoted word therefore skips plural forms. */
  private phraseLeaf(scope: Scope, text: string, index: number): Leaf {
    const words: WordPattern[] = [];
    const chunk = /\S+/gu;
    for (let match = chunk.exec(text); match !== null; match = chunk.exec(text)) {
      words.push(...this.patterns(match[0], index + 1 + match.index));
    }
    if (words.length === 0) this.fail(index, (c) => `Empty phrase at column ${c}`);
    const only = words.length === 1 ? words[0] : undefined;
    return only?.prefix ? prefixLeaf(scope, only.text) : phraseLeaf(scope, words);
  }

  private patterns(chunk: string, index: number): WordPattern[] {
    const star = chunk.indexOf('*');
    const prefix = star !== -1;
    if (prefix && star !== chunk.length - 1) {
      this.fail(index + star, (c) => `A wildcard * only works at the end of a word (column ${c})`);
    }
    const tokens = tokenizeText(prefix ? chunk.slice(0, -1) : chunk);
    if (tokens.length === 0) {
      this.fail(index, (c) => `"${chunk}" at column ${c} has no letters or digits to look for`);
    }
    this.countTerms(tokens.length, index);
    const stem = tokens[tokens.length - 1] ?? '';
    if (prefix && [...stem].length < QUERY_LIMITS.minWildcardStem) {
      this.fail(
        index,
        (c) => `Wildcard "${chunk}" at column ${c} is too short: put at least 3 letters before *`,
      );
    }
    return tokens.map((text, i) => ({ text, prefix: prefix && i === tokens.length - 1 }));
  }
}
