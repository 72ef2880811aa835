import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrast } from '../support/contrast';
import { projectRoot } from '../support/local-stack';

/** The two surfaces every email's text sits on: the white card and the grey page around it. */
const SURFACES = { card: '#ffffff', page: '#f3f4f6' };
/** Colours that are not text on those surfaces, with what they sit on instead. */
const ON_THEIR_OWN = {
  '#ffffff': '#0f5ea8', // the button's label on the button
  '#fff1a6': '#111827', // the highlight behind matched words, under dark text
  '#f3f4f6': '#111827', // the page background itself
  '#e5e7eb': '#111827', // the divider line, not text
} as Record<string, string>;

async function templateSources(): Promise<string> {
  const dirs = ['templates', 'templates/partials'];
  const files = await Promise.all(
    dirs.map(async (dir) =>
      (await readdir(join(projectRoot, dir)))
        .filter((f) => f.endsWith('.mjml'))
        .map((f) => join(projectRoot, dir, f)),
    ),
  );
  return (await Promise.all(files.flat().map((file) => readFile(file, 'utf8')))).join('\n');
}

describe('the emails’ colours', () => {
  it('meet WCAG AA (4.5:1) for every text colour on the card and on the page', async () => {
    const colours = new Set((await templateSources()).match(/#[0-9a-f]{6}\b/gi)?.map((c) => c.toLowerCase()));
    expect(colours.size).toBeGreaterThan(3);
    for (const colour of colours) {
      const own = ON_THEIR_OWN[colour];
      if (own) {
        expect(contrast(colour, own), `${colour} on ${own}`).toBeGreaterThanOrEqual(4.5);
        continue;
      }
      for (const [surface, background] of Object.entries(SURFACES)) {
        const ratio = contrast(colour, background);
        expect(ratio, `${colour} on the ${surface} (${ratio.toFixed(2)})`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});
