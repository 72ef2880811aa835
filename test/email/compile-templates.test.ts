import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledModuleSource, compileTemplates } from '../../lib/email/compile-templates';
import { TemplateCompileError } from '../../lib/email/template-compile-error';

const root = fileURLToPath(new URL('../..', import.meta.url));
const templatesDir = path.join(root, 'templates');

const scratchDirs: string[] = [];
afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A copy of the real templates with one file edited, to compile in isolation. */
async function templatesWith(file: string, edit: (source: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tidings-templates-'));
  scratchDirs.push(dir);
  await cp(templatesDir, dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}dist`) });
  const target = path.join(dir, file);
  const before = await readFile(target, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  await writeFile(target, after);
  return dir;
}

async function compileError(dir: string): Promise<string> {
  const error = await compileTemplates(dir).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TemplateCompileError);
  return (error as TemplateCompileError).message;
}

describe('compileTemplates on the real templates', () => {
  it('compiles all three emails under strict validation, with the copy filled in', async () => {
    const { en } = await compileTemplates(templatesDir);
    expect(en?.lang).toBe('en');
    for (const email of Object.values(en?.emails ?? {})) {
      expect(email.html).toMatch(/^<!doctype html>/);
      expect(email.html).toContain('<html lang="en"');
      expect(email.html + email.text + email.subject).not.toContain('[[');
    }
    expect(en?.emails.confirm.subject).toBe('Confirm your Tidings subscription');
  });

  it('keeps Mustache tags intact in text, in href attributes and around repeated sections', async () => {
    const emails = (await compileTemplates(templatesDir)).en?.emails;
    expect(emails?.confirm.html).toContain('href="{{confirmUrl}}"');
    expect(emails?.alert.html).toContain('href="{{articleUrl}}"');
    expect(emails?.alert.html).toContain('{{headline}}');
    expect(emails?.alert.html).toContain('href="{{unsubscribeUrl}}"');
    const digest = emails?.digest.html ?? '';
    const start = digest.indexOf('{{#items}}');
    const end = digest.indexOf('{{/items}}');
    expect(start).toBeGreaterThan(0);
    expect(digest.indexOf('{{#items}}', start + 1)).toBe(-1);
    expect(digest.slice(start, end)).toContain('href="{{articleUrl}}"');
  });

  it('gives the same bytes on every run', async () => {
    const first = compiledModuleSource(await compileTemplates(templatesDir));
    const second = compiledModuleSource(await compileTemplates(templatesDir));
    expect(second).toBe(first);
  });

  it('matches templates/dist/compiled.ts, so the emails sent are the templates in the tree', async () => {
    const generated = await readFile(path.join(templatesDir, 'dist', 'compiled.ts'), 'utf8');
    expect(generated, 'stale: run npx tsx bin/compile-templates.ts').toBe(
      compiledModuleSource(await compileTemplates(templatesDir)),
    );
  });
});

describe('compileTemplates on a broken template', () => {
  it('rejects an attribute MJML does not know, naming the file and the problem', async () => {
    const dir = await templatesWith('alert.mjml', (s) =>
      s.replace('<mj-button href=', '<mj-button colour="red" href='),
    );
    const message = await compileError(dir);
    expect(message).toContain('alert.mjml is not valid MJML');
    expect(message).toContain('Attribute colour is illegal');
  });

  it('names the partial when the mistake is inside one', async () => {
    const dir = await templatesWith('partials/header.mjml', (s) =>
      s.replace('<mj-column>', '').replace('</mj-column>', ''),
    );
    const message = await compileError(dir);
    expect(message).toContain(path.join('partials', 'header.mjml'));
    expect(message).toContain('mj-text cannot be used inside mj-section');
  });

  it('rejects a mis-nested tag, which MJML alone would silently repair', async () => {
    const dir = await templatesWith('digest.mjml', (s) => s.replace('</mj-column>', ''));
    const message = await compileError(dir);
    expect(message).toMatch(
      /digest\.mjml:\d+: found <\/mj-section> but <mj-column> from line \d+ is still open/,
    );
  });

  it('rejects a missing partial, which MJML alone would replace with a comment', async () => {
    const dir = await templatesWith('alert.mjml', (s) =>
      s.replace('partials/footer.mjml', 'partials/foter.mjml'),
    );
    const message = await compileError(dir);
    expect(message).toContain('alert.mjml: an mj-include');
    expect(message).toContain('could not be read');
  });

  it('rejects an mj-class that no <mj-class> defines', async () => {
    const dir = await templatesWith('confirm.mjml', (s) =>
      s.replace('mj-class="card-top"', 'mj-class="card-tpo"'),
    );
    expect(await compileError(dir)).toMatch(/confirm\.mjml:\d+: mj-class "card-tpo" has no <mj-class/);
  });

  it('rejects a copy placeholder missing from the copy file, naming both', async () => {
    const dir = await templatesWith('copy/en.json', (s) =>
      s.replace('"readMore": "Read the story"', '"more": "x"'),
    );
    const message = await compileError(dir);
    expect(message).toContain('[[alert.readMore]]');
    expect(message).toContain('en.json');
  });

  it('refuses triple-stash, which would put user text into the HTML unescaped', async () => {
    const dir = await templatesWith('alert.mjml', (s) => s.replace('>{{headline}}<', '>{{{headline}}}<'));
    const message = await compileError(dir);
    expect(message).toContain('alert.mjml');
    expect(message).toContain('"headline" unescaped');
  });

  it('rejects an unclosed Mustache section', async () => {
    const dir = await templatesWith('digest.mjml', (s) => s.replace('<mj-raw>{{/items}}</mj-raw>', ''));
    const message = await compileError(dir);
    expect(message).toContain('digest.mjml');
    expect(message).toContain('Unclosed section "items"');
  });
});

describe('bin/compile-templates.ts', () => {
  const run = (dir: string) =>
    promisify(execFile)(path.join(root, 'node_modules', '.bin', 'tsx'), ['bin/compile-templates.ts', dir], {
      cwd: root,
    }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('writes dist/compiled.ts once, then leaves it alone', async () => {
    const dir = await templatesWith('copy/en.json', (s) => s.replace('"Read the story"', '"Read more"'));
    const first = await run(dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('written');
    const written = await readFile(path.join(dir, 'dist', 'compiled.ts'), 'utf8');
    expect(written).toBe(compiledModuleSource(await compileTemplates(dir)));
    expect(written).toContain('Read more');
    const second = await run(dir);
    expect(second.stdout).toContain('unchanged');
  });

  it('exits non-zero with a message naming the broken file, not a stack trace', async () => {
    const dir = await templatesWith('alert.mjml', (s) => s.replace('<mj-column>', '<mj-colum>'));
    const result = await run(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('alert.mjml');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
