/**
 * `npm run bench -- hostile-input`: what the article readers spend on the hostile pages and wire copy of
 * `test/fixtures/hostile/markup.ts` (deep nesting, floods of elements, unclosed tags, captions of 300,000
 * sentences), against ordinary input of the same size read in the same run. A reader that rescans at every
 * character shows here as a ratio in the hundreds; fails when any ratio passes MAX_RATIO.
 */
import { performance } from 'node:perf_hooks';
import * as dom from '#html-dom';
import { parseWireCopy } from '../lib/articles';
import { parseHtmlPage } from '../lib/articles/html-page';
import { HOSTILE_PAGES, HOSTILE_WIRE_COPY } from '../test/fixtures/hostile/markup';

type Print = (line: string) => void;

/** Hostile input may cost this many times ordinary input of its size, and no more. */
const MAX_RATIO = 10;
const RUNS = 3;

const SENTENCE =
  'The ferry to the outer islands ran late again on Tuesday after a storm closed the harbour. ';

/** Ordinary copy of `bytes` characters: paragraphs of plain sentences, as HTML or as wire copy. */
function ordinary(bytes: number, form: 'html' | 'wire'): string {
  const paragraph = SENTENCE.repeat(4);
  const block = form === 'html' ? `<p>${paragraph}</p>\n` : `${paragraph}\n\n`;
  const body = block.repeat(Math.ceil(bytes / block.length));
  return form === 'html' ? `<html><body><article>${body}</article></body></html>` : body;
}

/** The median of RUNS timings of `read`, which may refuse its input (a refusal is an answer too). */
function medianMs(read: () => unknown): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    try {
      read();
    } catch {
      // Refused: the time to refuse is what is measured.
    }
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
}

export async function run(print: Print): Promise<boolean> {
  let worst = 0;
  const cases = [
    ...HOSTILE_PAGES.map(([name, text]) => ({ name, text, form: 'html' as const })),
    ...HOSTILE_WIRE_COPY.map(([name, text]) => ({ name, text, form: 'wire' as const })),
  ];
  for (const { name, text, form } of cases) {
    const read = (input: string) => () =>
      form === 'html' ? parseHtmlPage(input, dom) : parseWireCopy(input);
    const hostile = medianMs(read(text));
    const baseline = medianMs(read(ordinary(text.length, form)));
    const ratio = hostile / baseline;
    worst = Math.max(worst, ratio);
    const label = `hostile-input.${form}.${name.replaceAll(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
    print(`${label}: ${hostile.toFixed(1)} ms for ${text.length.toLocaleString('en')} chars`);
    print(`${label}.ordinary-same-size: ${baseline.toFixed(1)} ms (ratio ${ratio.toFixed(2)}x)`);
  }
  print(`hostile-input.worst-ratio: ${worst.toFixed(2)}x (at most ${MAX_RATIO}x)`);
  return worst <= MAX_RATIO;
}
