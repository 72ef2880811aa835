import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors';
import { parseQuery, QueryError, type QueryNode } from '../../lib/query';

/** Renders the tree with explicit grouping, so precedence is visible in one string. */
function show(node: QueryNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.children.map(show).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `NOT ${node.leaf.label}`;
    default:
      return node.label;
  }
}

function errorOf(query: string): QueryError {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`expected "${query}" to be rejected`);
}

describe('parseQuery structure', () => {
  it.each([
    ['a space means AND', 'Iran talks', '(iran AND talks)'],
    ['AND binds tighter than OR', 'Iran OR Tehran talks', '(iran OR (tehran AND talks))'],
    ['explicit AND equals a space', 'Iran AND talks OR deal', '((iran AND talks) OR deal)'],
    ['NOT binds tighter than AND', 'NOT Tirana Iran', '(NOT tirana AND iran)'],
    ['minus is NOT', 'Iran -Tirana', '(iran AND NOT tirana)'],
    ['parentheses group', '(Iran OR Tehran) talks', '((iran OR tehran) AND talks)'],
    [
      'NOT over a group is pushed down (De Morgan)',
      'talks -(Iran OR Tehran)',
      '(talks AND NOT iran AND NOT tehran)',
    ],
    ['NOT over AND becomes OR', 'talks NOT (Iran Tehran)', '(talks AND (NOT iran OR NOT tehran))'],
    ['double negation cancels', 'talks NOT -Iran', '(talks AND iran)'],
    ['lower-case and/or are words', 'war and peace or truce', '(war AND and AND peace AND or AND truce)'],
    ['NEAR binds tightest', 'Iran NEAR/3 talks deal', '(iran NEAR/3 talks AND deal)'],
    ['NEAR takes phrases', '"nuclear deal" NEAR/5 Iran', '"nuclear deal" NEAR/5 iran'],
    ['hyphenated words become phrases', 'al-Sudani', '"al sudani"'],
    ['punctuation and accents are normalised', 'U.S. Pezeshkián', '("u s" AND pezeshkian)'],
    ['a possessive in the query is dropped', 'Iran’s', 'iran'],
    ['numbers lose thousands separators', '2,500', '2500'],
    ['curly quotes delimit phrases', '“nuclear deal”', '"nuclear deal"'],
    ['a wildcard is a prefix', 'Iran*', 'iran*'],
    ['a wildcard may end a phrase', '"nuclear dea*"', '"nuclear dea*"'],
    ['a single quoted word stays an exact phrase', '"drone"', '"drone"'],
    [
      'scopes',
      'title:Iran source:"Agence France" lang:EN',
      '(title:iran AND source:"agence france" AND lang:en)',
    ],
    ['field names ignore case', 'Title:Iran', 'title:iran'],
    ['a colon not glued to a word is punctuation', 'Iran: talks', '(iran AND talks)'],
    ['digits with a colon are a phrase', '10:30', '"10 30"'],
  ])('%s: %s', (_rule, query, shape) => {
    expect(show(parseQuery(query).ast)).toBe(shape);
  });

  it('keeps the source text', () => {
    expect(parseQuery('Iran -Tirana').source).toBe('Iran -Tirana');
  });

  it('lists the DNF alternatives with their negations', () => {
    const clauses = parseQuery('(Iran OR Tehran) (talks OR deal) -Tirana').clauses.map((clause) => [
      clause.positive.map((leaf) => leaf.label).join(' '),
      clause.negative.map((leaf) => leaf.label).join(' '),
    ]);
    expect(clauses).toEqual([
      ['iran talks', 'tirana'],
      ['iran deal', 'tirana'],
      ['tehran talks', 'tirana'],
      ['tehran deal', 'tirana'],
    ]);
  });

  it('drops alternatives that require and exclude the same term', () => {
    const clauses = parseQuery('(Iran OR Tehran) -Iran').clauses;
    expect(clauses.map((clause) => clause.positive.map((leaf) => leaf.label))).toEqual([['tehran']]);
  });

  it('accepts queries right at the limits', () => {
    expect(() => parseQuery(`${'x'.repeat(498)} y`)).not.toThrow();
    expect(() => parseQuery(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '))).not.toThrow();
    expect(() => parseQuery(`${'('.repeat(10)}Iran${')'.repeat(10)}`)).not.toThrow();
    expect(
      parseQuery('(a1 OR b1) (a2 OR b2) (a3 OR b3) (a4 OR b4) (a5 OR b5) (a6 OR b6)').clauses,
    ).toHaveLength(64);
    expect(() => parseQuery('Ira*')).not.toThrow();
    expect(() => parseQuery('Iran NEAR/100 talks')).not.toThrow();
  });
});

describe('parseQuery rejects', () => {
  it.each([
    ['an unbalanced quote', 'Iran "nuclear deal', 'Unbalanced quote at column 6', 6],
    ['an unclosed parenthesis', 'Iran AND (talks', 'Unbalanced parenthesis at column 10', 10],
    ['a stray closing parenthesis', 'talks)', 'Unbalanced parenthesis at column 6', 6],
    ['empty parentheses', 'Iran ()', 'Empty parentheses at column 6', 6],
    ['a dangling AND', 'Iran AND', 'AND at column 6 needs a term after it', 6],
    ['a leading OR', 'OR Iran', 'OR at column 1 needs a term before it', 1],
    ['a doubled OR', 'Iran OR OR talks', 'OR at column 6 needs a term after it', 6],
    [
      'an operator before a closing parenthesis',
      '(Iran AND) talks',
      'AND at column 7 needs a term after it',
      7,
    ],
    ['a lone NOT', 'NOT', 'NOT at column 1 needs a term after it', 1],
    ['a detached minus', 'Iran - talks', '"-" at column 6 must be directly followed by what to exclude', 6],
    ['a dangling NEAR', 'Iran NEAR/3', 'NEAR/3 at column 6 needs a word or quoted phrase after it', 6],
    ['NEAR without a distance', 'Iran NEAR talks', 'NEAR at column 6 needs a distance from 1 to 100', 6],
    ['NEAR/0', 'Iran NEAR/0 talks', 'NEAR at column 6 needs a distance from 1 to 100', 6],
    ['NEAR over 100', 'Iran NEAR/101 talks', 'NEAR at column 6 needs a distance from 1 to 100', 6],
    [
      'NEAR on a group',
      '(Iran OR Tehran) NEAR/2 talks',
      'NEAR only joins words or quoted phrases (see column 1)',
      1,
    ],
    [
      'NEAR on a negation',
      'Iran NEAR/2 -talks',
      'NEAR/2 at column 6 needs a word or quoted phrase after it',
      6,
    ],
    ['chained NEAR', 'a1 NEAR/2 b1 NEAR/2 c1', 'NEAR at column 14 cannot be chained', 14],
    ['a short wildcard stem', 'Iran ab*', 'Wildcard "ab*" at column 6 is too short', 6],
    ['a lone wildcard', 'a*', 'Wildcard "a*" at column 1 is too short', 1],
    ['a wildcard inside a word', 'Ir*an', 'A wildcard * only works at the end of a word (column 3)', 3],
    ['a word without letters', 'Iran &&', '"&&" at column 6 has no letters or digits to look for', 6],
    ['an empty phrase', 'Iran “ ”', 'Empty phrase at column 6', 6],
    [
      'an unknown field',
      'author:Smith',
      'Unknown field "author:" at column 1: use title:, source: or lang:',
      1,
    ],
    [
      'a field with nothing after it',
      'Iran title: talks',
      'title: at column 6 must be followed by a word or a quoted phrase',
      6,
    ],
    [
      'a field on a group',
      'title:(Iran OR Tehran)',
      'title: at column 1 applies to one word or quoted phrase',
      1,
    ],
    [
      'a malformed language code',
      'Iran lang:english1',
      'lang: at column 6 needs a language code such as en or pt-BR',
      6,
    ],
    [
      'nesting deeper than 10',
      `${'('.repeat(11)}Iran${')'.repeat(11)}`,
      'Parentheses nest deeper than 10 levels at column 11',
      11,
    ],
    [
      'a column counted in characters, not UTF-16 units',
      'Pezeshkián 🇮🇷 "open',
      'Unbalanced quote at column 15',
      15,
    ],
  ])('%s: %s', (_case, query, message, column) => {
    const error = errorOf(query);
    expect(error.message).toContain(message);
    expect(error.column).toBe(column);
  });

  it.each([
    ['an empty query', '   ', 'Query is empty: give at least one word to look for'],
    ['an over-long query', `${'x'.repeat(499)} y`, 'Query is 501 characters long; the limit is 500'],
    ['more than 50 terms', Array.from({ length: 51 }, (_, i) => `w${i}`).join(' '), 'more than 50 terms'],
    [
      'more than 50 terms inside phrases',
      `"${Array.from({ length: 51 }, (_, i) => `w${i}`).join(' ')}"`,
      'more than 50 terms',
    ],
    ['only a negation', '-Iran', 'Query only excludes or filters (NOT, -, lang:)'],
    ['only negations', 'NOT (Iran OR Tehran)', 'Query only excludes or filters'],
    ['only a language filter', 'lang:en', 'Query only excludes or filters'],
    ['an alternative with only a negation', 'Iran OR -Tirana', 'Part of the query has no word to look for'],
    ['an alternative with only a language', 'Iran OR lang:fr', 'Part of the query has no word to look for'],
    ['a contradiction', 'Iran -Iran', 'Query can never match: it both requires and excludes the same term'],
    [
      'too many alternatives',
      '(a1 OR b1) (a2 OR b2) (a3 OR b3) (a4 OR b4) (a5 OR b5) (a6 OR b6) (a7 OR b7)',
      'more than 64 alternatives',
    ],
  ])('%s', (_case, query, message) => {
    expect(errorOf(query).message).toContain(message);
  });

  it('raises a validation error with the invalid_query code', () => {
    const error = errorOf('Iran AND');
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('invalid_query');
    expect(error.status).toBe(400);
  });
});
