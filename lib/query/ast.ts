/** Where a word, phrase or NEAR may match: `any` is title or body; `source:` is the feed/credit name. */
export type Scope = 'any' | 'title' | 'source';

/** The tokenized parts of an article a word can be found in. */
export type TextField = 'title' | 'text' | 'source';

/** One word of a phrase: exact (no plural forms) or, when `prefix`, any token starting with `text`. */
export interface WordPattern {
  readonly text: string;
  readonly prefix: boolean;
}

/** A plain word; also matches its regular plurals (see `pluralForms`). */
export interface TermLeaf {
  readonly kind: 'term';
  readonly scope: Scope;
  readonly word: string;
  readonly label: string;
}

/** `stem*`: any token starting with `stem`. */
export interface PrefixLeaf {
  readonly kind: 'prefix';
  readonly scope: Scope;
  readonly stem: string;
  readonly label: string;
}

/** Consecutive tokens of one field, each matching its pattern exactly (no plural forms). */
export interface PhraseLeaf {
  readonly kind: 'phrase';
  readonly scope: Scope;
  readonly words: readonly WordPattern[];
  readonly label: string;
}

export type NearOperand = TermLeaf | PrefixLeaf | PhraseLeaf;

/**
 * Both operands in the same field, not overlapping, with at most `distance - 1` tokens between them, either
 * order: `NEAR/1` means adjacent.
 */
export interface NearLeaf {
  readonly kind: 'near';
  readonly left: NearOperand;
  readonly right: NearOperand;
  readonly distance: number;
  readonly label: string;
}

/** The article's language code, compared case-insensitively and exactly (`en` does not match `en-gb`). */
export interface LangLeaf {
  readonly kind: 'lang';
  readonly code: string;
  readonly label: string;
}

export type Leaf = TermLeaf | PrefixLeaf | PhraseLeaf | NearLeaf | LangLeaf;

/** In the parsed tree negations are pushed down to single leaves (negation normal form). */
export interface NotNode {
  readonly kind: 'not';
  readonly leaf: Leaf;
}

export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly QueryNode[];
}

export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly QueryNode[];
}

export type QueryNode = Leaf | NotNode | AndNode | OrNode;

/** One alternative of the query in disjunctive normal form: every positive leaf present, no negative one. */
export interface Clause {
  readonly positive: readonly Leaf[];
  readonly negative: readonly Leaf[];
}

export interface ParsedQuery {
  readonly source: string;
  /** The query in negation normal form: AND/OR of leaves and negated leaves. */
  readonly ast: QueryNode;
  /** The same query as alternatives; each has at least one positive word, phrase or NEAR. */
  readonly clauses: readonly Clause[];
}

const SCOPE_FIELDS: Record<Scope, readonly TextField[]> = {
  any: ['title', 'text'],
  title: ['title'],
  source: ['source'],
};

export function scopeFields(scope: Scope): readonly TextField[] {
  return SCOPE_FIELDS[scope];
}

/** NEAR pairs occurrences within one field, so only the fields both operands may use count. */
export function nearFields(leaf: NearLeaf): readonly TextField[] {
  const right = scopeFields(leaf.right.scope);
  return scopeFields(leaf.left.scope).filter((field) => right.includes(field));
}

/** How many tokens an occurrence of the operand spans. */
export function operandLength(operand: NearOperand): number {
  return operand.kind === 'phrase' ? operand.words.length : 1;
}
