import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedEmail } from '../email';
import { renderAlert, renderConfirmation, renderDigest } from '../email';
import type { EmailKind } from '../email/compiled-templates';
import { samples } from '../email/samples';
import { ValidationError } from '../errors';

export interface PreviewCommandOptions {
  /** One of confirm, alert, digest; every email when absent. */
  readonly template: string | undefined;
  /** JSON render data for the named template instead of the built-in sample. */
  readonly dataPath: string | undefined;
  readonly outDir: string;
  /** Debian's Chromium; playwright-core never downloads a browser here. */
  readonly chromiumPath: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const renderers: Record<EmailKind, (data: never) => RenderedEmail> = {
  confirm: renderConfirmation,
  alert: renderAlert,
  digest: renderDigest,
};
const kinds = Object.keys(renderers) as EmailKind[];

/** Wide enough for the 600 px layout with the page around it, as a desktop mail client shows it. */
const VIEWPORT = { width: 680, height: 900 };

/**
 * `tidings preview [template] [--data file.json] [--out dir]`: writes `<template>.html`, `.txt` and a
 * full-page `.png` screenshot of each email, rendered from the compiled templates exactly as sent.
 */
export async function runPreviewCommand(options: PreviewCommandOptions): Promise<number> {
  const { template, stderr } = options;
  if (template !== undefined && !kinds.includes(template as EmailKind)) {
    stderr.write(`Unknown template "${template}"; choose one of ${kinds.join(', ')}.\n`);
    return 2;
  }
  if (options.dataPath && template === undefined) {
    stderr.write('--data needs a template name: the data of one email does not fit the others.\n');
    return 2;
  }
  if (!existsSync(options.chromiumPath)) {
    stderr.write(`Screenshots need Chromium at ${options.chromiumPath}: apt-get install -y chromium.\n`);
    return 1;
  }
  const chosen = template === undefined ? kinds : [template as EmailKind];
  const rendered: [EmailKind, RenderedEmail][] = [];
  for (const kind of chosen) {
    let data: unknown = samples[kind];
    if (options.dataPath) {
      try {
        data = JSON.parse(await readFile(options.dataPath, 'utf8'));
      } catch (error) {
        stderr.write(`${options.dataPath}: ${error instanceof Error ? error.message : error}\n`);
        return 1;
      }
    }
    try {
      rendered.push([kind, renderers[kind](data as never)]);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      stderr.write(`${options.dataPath ?? 'sample'}: ${error.message}\n`);
      return 1;
    }
  }
  await mkdir(options.outDir, { recursive: true });
  // Loaded here, not at the top: the other commands and every Lambda never need a browser driver.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: options.chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    // An email must render with nothing fetched; blocking requests shows it as a cautious client would.
    await page.route('**/*', (route) => route.abort());
    for (const [kind, email] of rendered) {
      const base = join(options.outDir, kind);
      await writeFile(`${base}.html`, email.html);
      await writeFile(`${base}.txt`, `Subject: ${email.subject}\n\n${email.text}`);
      await page.setContent(email.html, { waitUntil: 'load' });
      await page.screenshot({ path: `${base}.png`, fullPage: true });
      options.stdout.write(`${kind}: ${base}.html, ${base}.txt, ${base}.png — "${email.subject}"\n`);
    }
  } finally {
    await browser.close();
  }
  return 0;
}
