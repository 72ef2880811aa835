import type { Clause, Leaf } from './ast';
import { QUERY_LIMITS } from './query-parser';
import { singularCandidates } from './word-forms';

/**
 * Stems have at least this many characters, hence at least this many UTF-16 units: shorter prefixes of a
 * token are never looked up.
 */
export const MIN_STEM_LENGTH = QUERY_LIMITS.minWildcardStem;

/**
 * The exact words (present as a token, or as a plural for plain terms) and the stems a clause cannot match
 * without. Checking them against the article's token sets is far cheaper than locating leaves, and rejects
 * nearly every candidate of a large index before any leaf is looked at.
 */
export interface ClauseNeeds {
  readonly words: readonly string[];
  readonly stems: readonly string[];
}

function addLeafNeeds(leaf: Leaf, words: string[], stems: string[]): void {
  switch (leaf.kind) {
    case 'term':
      if (!words.includes(leaf.word)) words.push(leaf.word);
      break;
    case 'prefix':
      if (!stems.includes(leaf.stem)) stems.push(leaf.stem);
      break;
    case 'phrase':
      for (const word of leaf.words) {
        const list = word.prefix ? stems : words;
        if (!list.includes(word.text)) list.push(word.text);
      }
      break;
    case 'near':
      addLeafNeeds(leaf.left, words, stems);
      addLeafNeeds(leaf.right, words, stems);
      break;
    case 'lang':
      break;
  }
}

export function clauseNeeds(clause: Clause): ClauseNeeds {
  const words: string[] = [];
  const stems: string[] = [];
  for (const leaf of clause.positive) addLeafNeeds(leaf, words, stems);
  return { words, stems };
}

/** Every token, plus every word it could be the plural of: the words plain terms and phrases can need. */
export function presentWords(tokens: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const token of tokens) {
    words.add(token);
    for (const word of singularCandidates(token)) words.add(word);
  }
  return words;
}
