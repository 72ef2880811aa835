export interface TextSegment {
  readonly text: string;
  readonly highlighted: boolean;
}

/**
 * Splits `text` into segments, marking whole-word occurrences of any term, case-insensitively. The result
 * is plain text: the template escapes each segment and wraps the marked ones, so no HTML is ever built
 * from user text here. A term's inner whitespace matches any run of whitespace, since a snippet may wrap.
 */
export function highlightTerms(text: string, terms: readonly string[]): TextSegment[] {
  const pattern = termPattern(terms);
  if (!pattern) return text ? [{ text, highlighted: false }] : [];
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) segments.push({ text: text.slice(last, match.index), highlighted: false });
    segments.push({ text: match[0], highlighted: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), highlighted: false });
  return segments;
}

function termPattern(terms: readonly string[]): RegExp | undefined {
  const alternatives = [...new Set(terms.map((term) => term.trim().toLowerCase()).filter(Boolean))]
    // Longest first, so "interest rates" wins over "interest" where both match.
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map((term) => term.split(/\s+/).map(escapeRegExp).join('\\s+'));
  if (alternatives.length === 0) return undefined;
  // Letters and digits on either side mean the term is part of a longer word ("art" in "start").
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
