/**
 * `npm run bench -- render`: what one recipient's email costs to render and to wrap as a MIME message,
 * against calling mjml for each recipient, measured in the same run. Asserts that both give the reader
 * the same visible text, so the speed is not bought by showing something else.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mjml2html from 'mjml';
import Mustache from 'mustache';
import type { AlertEmailData, DigestEmailData, RenderedEmail } from '../lib/email';
import { composeRawMessage, personaliseAlert, prepareAlert, renderDigest } from '../lib/email';
import type { EmailKind } from '../lib/email/compiled-templates';
import { escapeHtml } from '../lib/email/escape-html';
import { fillCopy, parseCopy } from '../lib/email/fill-copy';
import { alertView, digestView } from '../lib/email/render';
import { sampleAlert, sampleDigest } from '../lib/email/samples';
import { REPO_ROOT } from './corpus';

type Print = (line: string) => void;

const TARGET_ALERT_MS = 0.1;
const TARGET_DIGEST_MS = 0.2;
const TARGET_RATIO_WITH_MIME = 50;
const TARGET_RATIO_RENDER = 200;
const RECIPIENTS = 2_000;
const MJML_CALLS = 20;

/** The same reader-facing content per recipient, with that recipient's own links. */
function alertFor(n: number): AlertEmailData {
  return {
    ...sampleAlert,
    unsubscribeUrl: `${sampleAlert.unsubscribeUrl}${n}`,
    preferencesUrl: `${sampleAlert.preferencesUrl}${n}`,
    muteUrls: sampleAlert.muteUrls.map((url) => `${url}${n}`),
  };
}

function digestFor(n: number): DigestEmailData {
  return {
    ...sampleDigest,
    unsubscribeUrl: `${sampleDigest.unsubscribeUrl}${n}`,
    preferencesUrl: `${sampleDigest.preferencesUrl}${n}`,
  };
}

function mime(email: RenderedEmail, n: number): Buffer {
  return composeRawMessage({
    from: 'Tidings <alerts@news.example.com>',
    to: `reader${n}@example.org`,
    ...email,
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    messageId: `<m${n}@news.example.com>`,
    date: new Date('2026-11-27T09:00:00Z'),
  });
}

/** Milliseconds per call of `run(i)` over `count` calls, after a warm-up. */
function timePerCall(count: number, run: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(200, count); i++) run(i);
  globalThis.gc?.();
  const started = performance.now();
  for (let i = 0; i < count; i++) run(i);
  return (performance.now() - started) / count;
}

async function timePerCallAsync(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  await run(-1);
  const started = performance.now();
  for (let i = 0; i < count; i++) await run(i);
  return (performance.now() - started) / count;
}

/**
 * Each template and its partials with the copy filled in (Mustache tags left), written to a folder so that
 * mjml can resolve the includes: the MJML a sender would hand mjml for every recipient.
 */
async function filledMjmlSources(dir: string): Promise<Record<'alert' | 'digest', string>> {
  const copyFile = join(REPO_ROOT, 'templates/copy/en.json');
  const copy = parseCopy(JSON.parse(await readFile(copyFile, 'utf8')), copyFile);
  const templates = join(REPO_ROOT, 'templates');
  const out: Partial<Record<EmailKind, string>> = {};
  for (const kind of ['alert', 'digest'] as const) {
    const kindDir = join(dir, kind);
    const partials = (await readdir(join(templates, 'partials'))).filter((f) => f.endsWith('.mjml'));
    await mkdir(kindDir, { recursive: true });
    const fill = (source: string, file: string) =>
      fillCopy(source, { copy, copyFile, section: kind, escape: escapeHtml, file });
    const file = join(kindDir, `${kind}.mjml`);
    // Partials inlined, so the Mustache pass before mjml fills them too (mjml reads includes itself).
    let source = await readFile(join(templates, `${kind}.mjml`), 'utf8');
    for (const partial of partials) {
      const body = (await readFile(join(templates, 'partials', partial), 'utf8'))
        .replace(/^\s*<mjml>\s*<mj-head>/, '')
        .replace(/<\/mj-head>\s*<\/mjml>\s*$/, '');
      source = source.replace(`<mj-include path="./partials/${partial}" />`, () => body);
    }
    await writeFile(file, fill(source, `${kind}.mjml`));
    out[kind] = file;
  }
  return out as Record<'alert' | 'digest', string>;
}

async function mjmlPerRecipient(file: string, view: object): Promise<string> {
  const source = Mustache.render(await readFile(file, 'utf8'), view, undefined, { escape: escapeHtml });
  const result = await mjml2html(source, {
    validationLevel: 'soft',
    filePath: file,
    actualPath: file,
    ignoreIncludes: false,
    keepComments: false,
    fonts: {},
  });
  return result.html;
}

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  middot: '·',
  nbsp: ' ',
};

/** The words a reader sees: no head, styles, comments or tags; entities decoded; whitespace collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<head[\s\S]*?<\/head>/i, ' ')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (match, name: string) => {
      if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return entities[name] ?? match;
    })
    .replace(/[\s\u200c\u00a0]+/g, ' ')
    .trim();
}

export async function run(print: Print): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'tidings-render-'));
  let ok = true;
  try {
    const files = await filledMjmlSources(dir);

    // Alert: the article rendered once, then each recipient's links filled in and the message composed.
    const prepared = prepareAlert(sampleAlert);
    const alertRender = timePerCall(RECIPIENTS, (i) => personaliseAlert(prepared, alertFor(i)));
    const alertTotal = timePerCall(RECIPIENTS, (i) => mime(personaliseAlert(prepared, alertFor(i)), i));
    const alertUnshared = timePerCall(RECIPIENTS, (i) => {
      const data = alertFor(i);
      return mime(personaliseAlert(prepareAlert(data), data), i);
    });
    const digestRender = timePerCall(RECIPIENTS, (i) => renderDigest(digestFor(i)));
    const digestTotal = timePerCall(RECIPIENTS, (i) => mime(renderDigest(digestFor(i)), i));

    const alertMjml = await timePerCallAsync(MJML_CALLS, (i) =>
      mjmlPerRecipient(files.alert, alertView(alertFor(i), alertFor(i))),
    );
    const digestMjml = await timePerCallAsync(MJML_CALLS, (i) =>
      mjmlPerRecipient(files.digest, digestView(digestFor(i))),
    );

    print(`render.alert.personalise: ${alertRender.toFixed(4)} ms/recipient`);
    print(`render.alert.with_mime: ${alertTotal.toFixed(4)} ms/recipient (target ≤ ${TARGET_ALERT_MS})`);
    print(`render.alert.unshared_with_mime: ${alertUnshared.toFixed(4)} ms/recipient`);
    print(`render.digest10.render: ${digestRender.toFixed(4)} ms/recipient`);
    print(`render.digest10.with_mime: ${digestTotal.toFixed(4)} ms/recipient (target ≤ ${TARGET_DIGEST_MS})`);
    print(`render.alert.mjml_per_recipient: ${alertMjml.toFixed(3)} ms/recipient`);
    print(`render.digest10.mjml_per_recipient: ${digestMjml.toFixed(3)} ms/recipient`);
    const ratios = {
      'alert.render': alertMjml / alertRender,
      'alert.with_mime': alertMjml / alertTotal,
      'digest10.render': digestMjml / digestRender,
      'digest10.with_mime': digestMjml / digestTotal,
    };
    for (const [name, ratio] of Object.entries(ratios)) {
      print(`render.ratio_vs_mjml.${name}: ${ratio.toFixed(0)} x`);
    }

    // The same reader-facing words from both paths, or the comparison means nothing.
    const pairs = [
      [
        'alert',
        personaliseAlert(prepared, alertFor(7)).html,
        await mjmlPerRecipient(files.alert, alertView(alertFor(7), alertFor(7))),
      ],
      [
        'digest',
        renderDigest(digestFor(7)).html,
        await mjmlPerRecipient(files.digest, digestView(digestFor(7))),
      ],
    ] as const;
    for (const [name, ours, theirs] of pairs) {
      const same = visibleText(ours) === visibleText(theirs);
      print(`render.${name}.same_visible_text_as_mjml: ${same ? 1 : 0} bool`);
      if (!same) {
        ok = false;
        const a = visibleText(ours);
        const b = visibleText(theirs);
        let at = 0;
        while (a[at] === b[at]) at++;
        print(
          `#   differs at ${at}: ours …${a.slice(at - 40, at + 60)}… mjml …${b.slice(at - 40, at + 60)}…`,
        );
      }
    }
    ok &&=
      alertTotal <= TARGET_ALERT_MS &&
      digestTotal <= TARGET_DIGEST_MS &&
      ratios['alert.with_mime'] >= TARGET_RATIO_WITH_MIME &&
      ratios['digest10.with_mime'] >= TARGET_RATIO_WITH_MIME &&
      ratios['alert.render'] >= TARGET_RATIO_RENDER &&
      ratios['digest10.render'] >= TARGET_RATIO_RENDER;
    print(`render.targets_met: ${ok ? 1 : 0} bool`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return ok;
}
