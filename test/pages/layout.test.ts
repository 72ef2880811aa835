import { describe, expect, it } from 'vitest';
import { COLOURS, CONTRAST_PAIRS, STYLE } from '../../lib/pages/layout';

/** WCAG 2.x relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const channel = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

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
