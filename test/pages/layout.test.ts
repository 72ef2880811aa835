import { describe, expect, it } from 'vitest';
import { COLOURS, CONTRAST_PAIRS, STYLE } from '../../lib/pages/layout';
import { contrast } from '../support/contrast';

describe('the pages’ colours', () => {
  it('meet WCAG AA for every text and control colour against what it sits on', () => {
    for (const [foreground, background, minimum] of CONTRAST_PAIRS) {
      const ratio = contrast(COLOURS[foreground], COLOURS[background]);
      expect(ratio, `${foreground} on ${background}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(minimum);
    }
  });

  it('are the only colours the style uses, so none escapes the check', () => {
    const used = STYLE.match(/#[0-9a-f]{3,8}\b/gi) ?? [];
    expect(used.length).toBeGreaterThan(0);
    const palette = Object.values(COLOURS) as string[];
    for (const colour of used) expect(palette, colour).toContain(colour.toLowerCase());
  });

  it('show keyboard focus with an outline', () => {
    expect(STYLE).toMatch(/:focus-visible \{ outline: 3px solid #[0-9a-f]{6}; outline-offset: 2px; \}/);
  });
});
