/**
 * Compiles the MJML email templates once into templates/dist/compiled.ts, so that sending never loads mjml.
 * Runs on install and before tests and the local server; exits non-zero, naming the file, on a broken template.
 * Usage: tsx bin/compile-templates.ts [templatesDir]; another directory is compiled into its own dist/.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledModuleSource, compileTemplates } from '../lib/email/compile-templates';
import { TemplateCompileError } from '../lib/email/template-compile-error';

const templatesDir = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../templates', import.meta.url)));
const outFile = path.join(templatesDir, 'dist', 'compiled.ts');

try {
  const started = performance.now();
  const compiled = await compileTemplates(templatesDir);
  const source = compiledModuleSource(compiled);
  // Rewriting identical bytes would still wake file watchers and invalidate caches.
  const previous = await readFile(outFile, 'utf8').catch(() => undefined);
  if (previous !== source) {
    await mkdir(path.dirname(outFile), { recursive: true });
    await writeFile(outFile, source);
  }
  const elapsed = Math.round(performance.now() - started);
  const locales = Object.keys(compiled).join(', ');
  const status = previous === source ? 'unchanged' : 'written';
  console.log(
    `Email templates compiled (${locales}) in ${elapsed} ms: ${path.relative(process.cwd(), outFile)} ${status}.`,
  );
} catch (error) {
  if (!(error instanceof TemplateCompileError)) throw error;
  console.error(`Email templates: ${error.message}`);
  process.exitCode = 1;
}
