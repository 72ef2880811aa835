import { describe, expect, it } from 'vitest';
import { highlightTerms } from '../../lib/email/highlight';

const marked = (text: string, terms: string[]) =>
  highlightTerms(text, terms)
    .map((segment) => (segment.highlighted ? `[${segment.text}]` : segment.text))
    .join('');

describe('highlightTerms', () => {
  it('marks whole words only, in any case', () => {
    expect(marked('Art lovers start an ART fair', ['art'])).toBe('[Art] lovers start an [ART] fair');
  });

  it('prefers the longest term where terms overlap', () => {
    expect(marked('Interest rates and interest', ['interest', 'interest rates'])).toBe(
      '[Interest rates] and [interest]',
    );
  });

  it('matches a phrase across a line break or double space', () => {
    expect(marked('climate\nchange and climate  change', ['climate change'])).toBe(
      '[climate\nchange] and [climate  change]',
    );
  });

  it('treats regular-expression characters in terms literally', () => {
    expect(marked('C++ (and C) code', ['c++', '(and'])).toBe('[C++] [(and] C) code');
  });

  it('keeps every character of the text', () => {
    const text = 'Élection à Zürich: l’élection, ÉLECTION!';
    const segments = highlightTerms(text, ['élection']);
    expect(segments.map((segment) => segment.text).join('')).toBe(text);
    expect(segments.filter((segment) => segment.highlighted).map((segment) => segment.text)).toEqual([
      'Élection',
      'élection',
      'ÉLECTION',
    ]);
  });

  it('returns the text unmarked when no term is usable', () => {
    expect(highlightTerms('plain text', ['', '  '])).toEqual([{ text: 'plain text', highlighted: false }]);
    expect(highlightTerms('', ['x'])).toEqual([]);
  });
});
