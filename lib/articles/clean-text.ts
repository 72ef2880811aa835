/**
 * Text arrives pasted from browsers, word processors and wire feeds. Invisible characters and exotic spaces
 * would split words for matching and break email layout, so every path into an article goes through here.
 */
export function cleanText(raw: string): string {
  return (
    raw
      .normalize('NFC')
      .replace(/\r\n?|\u2028|\u0085/g, '\n')
      .replace(/\u2029/g, '\n\n')
      // Tabs, non-breaking and other Unicode spaces become plain spaces.
      .replace(/[\t\p{Zs}]/gu, ' ')
      // Soft hyphen, zero-width space, word joiner, BOM. ZWJ/ZWNJ stay: emoji and Persian need them.
      .replace(/[\u00AD\u200B\u2060\uFEFF]/g, '')
      // Remaining control characters, except the newline that separates lines.
      .replace(/[^\P{Cc}\n]/gu, '')
  );
}

export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Paragraphs are separated by blank lines; single newlines inside a paragraph are hard wraps and fold to spaces. */
export function splitParagraphs(text: string): string[] {
  return cleanText(text)
    .split(/\n\s*\n/)
    .map(collapseSpaces)
    .filter((paragraph) => paragraph.length > 0);
}

/** Counts code points, so a limit means the same for Arabic, CJK and emoji as for Latin text. */
export function countChars(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Removes trailing characters found in `set`. A loop rather than a `[…]+$` regex, which rescans a long run of
 * such characters from every position inside it.
 */
export function trimEndOf(text: string, set: string): string {
  let end = text.length;
  while (end > 0 && set.includes(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}
