import type { Clause, Leaf, NotNode, QueryNode } from './ast';
import { QueryError } from './query-error';

/** The tree as written, before negations are pushed down. */
export type WrittenNode =
  | Leaf
  | { readonly kind: 'not'; readonly child: WrittenNode }
  | { readonly kind: 'and' | 'or'; readonly children: readonly WrittenNode[] };

export const MAX_CLAUSES = 64;

/** De Morgan down to the leaves, so NOT only ever wraps one leaf; nested AND/OR of the same kind are flattened. */
export function toNegationNormalForm(node: WrittenNode, negate = false): QueryNode {
  switch (node.kind) {
    case 'not':
      return toNegationNormalForm(node.child, !negate);
    case 'and':
    case 'or': {
      const kind = (node.kind === 'and') !== negate ? 'and' : 'or';
      const children: QueryNode[] = [];
      for (const child of node.children) {
        const normal = toNegationNormalForm(child, negate);
        if (normal.kind === kind) children.push(...normal.children);
        else children.push(normal);
      }
      return { kind, children };
    }
    default:
      return negate ? { kind: 'not', leaf: node } : node;
  }
}

function clauseCount(node: QueryNode): number {
  switch (node.kind) {
    case 'and':
      return node.children.reduce(
        (product, child) => Math.min(product * clauseCount(child), MAX_CLAUSES + 1),
        1,
      );
    case 'or':
      return node.children.reduce((sum, child) => Math.min(sum + clauseCount(child), MAX_CLAUSES + 1), 0);
    default:
      return 1;
  }
}

/** A leaf, or a negated leaf: in negation normal form these are the only non-AND/OR nodes. */
type Literal = Leaf | NotNode;

// Plain loops rather than array callbacks, and arrays extended in place where nothing else holds them:
// this runs for every stored topic when an index is built.
function expand(node: QueryNode): Literal[][] {
  switch (node.kind) {
    case 'or': {
      const alternatives: Literal[][] = [];
      for (const child of node.children) for (const option of expand(child)) alternatives.push(option);
      return alternatives;
    }
    case 'and': {
      let product: Literal[][] = [[]];
      for (const child of node.children) {
        const options = expand(child);
        const [only] = options;
        if (options.length === 1 && only !== undefined) {
          for (const left of product) for (const literal of only) left.push(literal);
        } else {
          const next: Literal[][] = [];
          for (const left of product) for (const right of options) next.push(left.concat(right));
          product = next;
        }
      }
      return product;
    }
    default:
      return [[node]];
  }
}

function hasLabel(leaves: readonly Leaf[], label: string): boolean {
  for (const leaf of leaves) if (leaf.label === label) return true;
  return false;
}

/** Duplicate literals merged; undefined when the alternative requires and excludes the same leaf. */
function toClause(literals: readonly Literal[]): Clause | undefined {
  const positive: Leaf[] = [];
  const negative: Leaf[] = [];
  for (const literal of literals) {
    if (literal.kind === 'not') {
      if (!hasLabel(negative, literal.leaf.label)) negative.push(literal.leaf);
    } else if (!hasLabel(positive, literal.label)) {
      positive.push(literal);
    }
  }
  for (const leaf of negative) if (hasLabel(positive, leaf.label)) return undefined;
  return { positive, negative };
}

function searchable(literals: readonly Literal[]): boolean {
  return literals.some((literal) => literal.kind !== 'not' && literal.kind !== 'lang');
}

function render(literals: readonly Literal[]): string {
  return literals
    .map((literal) => (literal.kind === 'not' ? `NOT ${literal.leaf.label}` : literal.label))
    .join(' AND ');
}

/**
 * The query as alternatives (DNF), each checked to contain something to look for. Alternatives that both
 * require and exclude the same leaf can never match and are dropped.
 */
export function toClauses(ast: QueryNode): Clause[] {
  if (clauseCount(ast) > MAX_CLAUSES) {
    throw new QueryError(
      `Query expands to more than ${MAX_CLAUSES} alternatives; use fewer ORs inside AND groups, or split it into several topics`,
    );
  }
  const all = expand(ast);
  if (!all.some(searchable)) {
    throw new QueryError(
      'Query only excludes or filters (NOT, -, lang:); add at least one word or phrase to look for',
    );
  }
  const unsearchable = all.find((literals) => !searchable(literals));
  if (unsearchable !== undefined) {
    throw new QueryError(
      `Part of the query has no word to look for and would match almost every article: "${render(unsearchable)}"; combine it with a word using AND`,
    );
  }
  const clauses: Clause[] = [];
  for (const literals of all) {
    const clause = toClause(literals);
    if (clause !== undefined) clauses.push(clause);
  }
  if (clauses.length === 0) {
    throw new QueryError('Query can never match: it both requires and excludes the same term');
  }
  return clauses;
}
