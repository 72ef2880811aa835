import type {
  LangLeaf,
  NearLeaf,
  NearOperand,
  PhraseLeaf,
  PrefixLeaf,
  Scope,
  TermLeaf,
  WordPattern,
} from './ast';

// Labels are canonical: two leaves with the same label match exactly the same tokens, which lets the index
// share one leaf between many topics and lets a match name the term that fired.
function scoped(scope: Scope, body: string): string {
  return scope === 'any' ? body : `${scope}:${body}`;
}

export function termLeaf(scope: Scope, word: string): TermLeaf {
  return { kind: 'term', scope, word, label: scoped(scope, word) };
}

export function prefixLeaf(scope: Scope, stem: string): PrefixLeaf {
  return { kind: 'prefix', scope, stem, label: scoped(scope, `${stem}*`) };
}

export function phraseLeaf(scope: Scope, words: readonly WordPattern[]): PhraseLeaf {
  const body = words.map((w) => (w.prefix ? `${w.text}*` : w.text)).join(' ');
  return { kind: 'phrase', scope, words, label: scoped(scope, `"${body}"`) };
}

export function nearLeaf(left: NearOperand, right: NearOperand, distance: number): NearLeaf {
  return { kind: 'near', left, right, distance, label: `${left.label} NEAR/${distance} ${right.label}` };
}

export function langLeaf(code: string): LangLeaf {
  return { kind: 'lang', code, label: `lang:${code}` };
}
