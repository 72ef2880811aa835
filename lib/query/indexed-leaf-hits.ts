import type { TokenizedArticle } from './article-tokens';
import {
  type Leaf,
  type NearOperand,
  nearFields,
  operandLength,
  scopeFields,
  type TextField,
  type WordPattern,
} from './ast';
import type { TermHit } from './match-result';
import { pluralForms } from './word-forms';

const NONE: readonly number[] = [];

function firstAtLeast(sorted: readonly number[] | readonly string[], value: number | string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] ?? value) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function mergeSorted(lists: readonly (readonly number[])[]): readonly number[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? NONE;
  return [...new Set(nonEmpty.flat())].sort((a, b) => a - b);
}

/**
 * Finds leaves in one tokenized article through its token → positions maps, so the cost depends on how often
 * a word occurs rather than on the article's length (the index verifies candidates with this; `matchNaive`
 * scans instead).
 */
export class IndexedLeafHits {
  private readonly sortedTokens = new Map<TextField, readonly string[]>();

  constructor(private readonly article: TokenizedArticle) {}

  hits(leaf: Leaf): TermHit[] {
    if (leaf.kind === 'lang') {
      return this.article.lang === leaf.code ? [{ term: leaf.label, field: 'lang', positions: [] }] : [];
    }
    const hits: TermHit[] = [];
    const fields = leaf.kind === 'near' ? nearFields(leaf) : scopeFields(leaf.scope);
    for (const field of fields) {
      const positions =
        leaf.kind === 'near'
          ? this.nearPositions(field, leaf.left, leaf.right, leaf.distance)
          : this.coveredPositions(field, leaf);
      if (positions.length > 0) hits.push({ term: leaf.label, field, positions });
    }
    return hits;
  }

  private wordPositions(field: TextField, word: string): readonly number[] {
    return this.article.fields[field].positions.get(word) ?? NONE;
  }

  private prefixPositions(field: TextField, stem: string): readonly number[] {
    const sorted = this.sortedFieldTokens(field);
    const lists: (readonly number[])[] = [];
    for (let i = firstAtLeast(sorted, stem); i < sorted.length; i++) {
      const token = sorted[i] ?? '';
      if (!token.startsWith(stem)) break;
      lists.push(this.wordPositions(field, token));
    }
    return mergeSorted(lists);
  }

  private sortedFieldTokens(field: TextField): readonly string[] {
    let sorted = this.sortedTokens.get(field);
    if (sorted === undefined) {
      sorted = [...this.article.fields[field].positions.keys()].sort();
      this.sortedTokens.set(field, sorted);
    }
    return sorted;
  }

  private patternPositions(field: TextField, pattern: WordPattern): readonly number[] {
    return pattern.prefix
      ? this.prefixPositions(field, pattern.text)
      : this.wordPositions(field, pattern.text);
  }

  /** Start positions of the operand's occurrences, ascending; each spans `operandLength` tokens. */
  private starts(field: TextField, operand: NearOperand): readonly number[] {
    switch (operand.kind) {
      case 'term':
        return mergeSorted(
          [operand.word, ...pluralForms(operand.word)].map((w) => this.wordPositions(field, w)),
        );
      case 'prefix':
        return this.prefixPositions(field, operand.stem);
      case 'phrase': {
        const [first, ...rest] = operand.words;
        if (first === undefined) return NONE;
        const tokens = this.article.fields[field].tokens;
        return this.patternPositions(field, first).filter((start) =>
          rest.every((pattern, i) => {
            const token = tokens[start + 1 + i];
            return (
              token !== undefined &&
              (pattern.prefix ? token.startsWith(pattern.text) : token === pattern.text)
            );
          }),
        );
      }
    }
  }

  private coveredPositions(field: TextField, operand: NearOperand): readonly number[] {
    const starts = this.starts(field, operand);
    const length = operandLength(operand);
    if (length === 1) return starts;
    return mergeSorted(starts.map((start) => Array.from({ length }, (_, i) => start + i)));
  }

  /**
   * An occurrence takes part when the other operand has an occurrence starting 1..distance tokens after it
   * ends, or ending 1..distance tokens before it starts; found by binary search in the sorted starts.
   */
  private nearPositions(
    field: TextField,
    left: NearOperand,
    right: NearOperand,
    distance: number,
  ): readonly number[] {
    const leftStarts = this.starts(field, left);
    if (leftStarts.length === 0) return NONE;
    const rightStarts = this.starts(field, right);
    if (rightStarts.length === 0) return NONE;
    const leftLength = operandLength(left);
    const rightLength = operandLength(right);
    const near = (
      starts: readonly number[],
      length: number,
      otherStarts: readonly number[],
      otherLength: number,
    ) =>
      starts.filter((start) => {
        const end = start + length - 1;
        const after = firstAtLeast(otherStarts, end + 1);
        if (after < otherStarts.length && (otherStarts[after] ?? Number.POSITIVE_INFINITY) <= end + distance)
          return true;
        // Other occurrences ending in [start - distance, start - 1] start in that window shifted by their length.
        const lowest = start - distance - (otherLength - 1);
        const before = firstAtLeast(otherStarts, lowest);
        return (
          before < otherStarts.length &&
          (otherStarts[before] ?? Number.POSITIVE_INFINITY) <= start - otherLength
        );
      });
    const spans = [
      ...near(leftStarts, leftLength, rightStarts, rightLength).map((start) => ({
        start,
        length: leftLength,
      })),
      ...near(rightStarts, rightLength, leftStarts, leftLength).map((start) => ({
        start,
        length: rightLength,
      })),
    ];
    return mergeSorted(spans.map(({ start, length }) => Array.from({ length }, (_, i) => start + i)));
  }
}
