import {
  asTokenizedArticle,
  type FieldTokens,
  type MatchableArticle,
  type TokenizedArticle,
} from './article-tokens';
import {
  type Leaf,
  type NearOperand,
  nearFields,
  operandLength,
  type ParsedQuery,
  type QueryNode,
  scopeFields,
  type WordPattern,
} from './ast';
import { byTopicId, type TermHit, type TopicMatch, topicMatch } from './match-result';
import { pluralForms } from './word-forms';

/**
 * The reference matcher: evaluates every topic's tree directly against the article's tokens, with plain scans
 * and pairwise checks. It shares only the tokenizer and the query tree with `TopicIndex`, so property tests
 * can pit one against the other; it is also the benchmark's baseline, O(topics) per article.
 */
export function matchNaive(
  topics: Iterable<{ readonly id: string; readonly query: ParsedQuery }>,
  article: MatchableArticle | TokenizedArticle,
): TopicMatch[] {
  const tokenized = asTokenizedArticle(article);
  const matches: TopicMatch[] = [];
  for (const topic of topics) {
    const hits = evaluate(topic.query.ast, tokenized);
    if (hits !== null) matches.push(topicMatch(topic.id, hits));
  }
  return matches.sort(byTopicId);
}

/** null when the node is false; otherwise the hits of the positive leaves that made it true. */
function evaluate(node: QueryNode, article: TokenizedArticle): TermHit[] | null {
  switch (node.kind) {
    case 'and': {
      const hits: TermHit[] = [];
      for (const child of node.children) {
        const childHits = evaluate(child, article);
        if (childHits === null) return null;
        hits.push(...childHits);
      }
      return hits;
    }
    case 'or': {
      let hits: TermHit[] | null = null;
      for (const child of node.children) {
        const childHits = evaluate(child, article);
        if (childHits !== null) hits = [...(hits ?? []), ...childHits];
      }
      return hits;
    }
    case 'not':
      return leafHits(node.leaf, article).length === 0 ? [] : null;
    default: {
      const hits = leafHits(node, article);
      return hits.length === 0 ? null : hits;
    }
  }
}

function leafHits(leaf: Leaf, article: TokenizedArticle): TermHit[] {
  if (leaf.kind === 'lang') {
    return article.lang === leaf.code ? [{ term: leaf.label, field: 'lang', positions: [] }] : [];
  }
  const hits: TermHit[] = [];
  const fields = leaf.kind === 'near' ? nearFields(leaf) : scopeFields(leaf.scope);
  for (const field of fields) {
    const tokens = article.fields[field];
    const positions =
      leaf.kind === 'near'
        ? nearPositions(leaf.left, leaf.right, leaf.distance, tokens)
        : covered(occurrences(leaf, tokens));
    if (positions.length > 0) hits.push({ term: leaf.label, field, positions });
  }
  return hits;
}

interface Span {
  start: number;
  end: number;
}

function patternMatches(pattern: WordPattern, token: string | undefined): boolean {
  return token !== undefined && (pattern.prefix ? token.startsWith(pattern.text) : token === pattern.text);
}

/** Positions of every token matching the pattern: looked up when exact, else every distinct token is tried. */
function patternPositions(pattern: WordPattern, field: FieldTokens): number[] {
  if (!pattern.prefix) return [...(field.positions.get(pattern.text) ?? [])];
  const positions: number[] = [];
  for (const [token, at] of field.positions) if (token.startsWith(pattern.text)) positions.push(...at);
  return positions;
}

function occurrences(operand: NearOperand, field: FieldTokens): Span[] {
  let starts: number[];
  if (operand.kind === 'term') {
    starts = [operand.word, ...pluralForms(operand.word)].flatMap((form) => field.positions.get(form) ?? []);
  } else if (operand.kind === 'prefix') {
    starts = patternPositions({ text: operand.stem, prefix: true }, field);
  } else {
    const [first, ...rest] = operand.words;
    starts = first === undefined ? [] : patternPositions(first, field);
    starts = starts.filter((start) =>
      rest.every((pattern, i) => patternMatches(pattern, field.tokens[start + 1 + i])),
    );
  }
  const length = operandLength(operand);
  return starts.sort((a, b) => a - b).map((start) => ({ start, end: start + length - 1 }));
}

function nearPositions(
  left: NearOperand,
  right: NearOperand,
  distance: number,
  field: FieldTokens,
): number[] {
  const lefts = occurrences(left, field);
  const rights = occurrences(right, field);
  const used = new Set<Span>();
  for (const l of lefts) {
    for (const r of rights) {
      const gap = Math.max(r.start - l.end, l.start - r.end);
      if (gap >= 1 && gap <= distance) {
        used.add(l);
        used.add(r);
      }
    }
  }
  return covered(used);
}

function covered(spans: Iterable<Span>): number[] {
  const positions = new Set<number>();
  for (const { start, end } of spans) for (let p = start; p <= end; p++) positions.add(p);
  return [...positions].sort((a, b) => a - b);
}
