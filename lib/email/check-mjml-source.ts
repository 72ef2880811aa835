import { TemplateCompileError } from './template-compile-error';

// Attribute values are matched as quoted strings so that a `>` inside one does not end the tag.
const mjmlTag = /<(\/?)(mjml|mj-[a-z-]+)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const comment = /<!--[\s\S]*?-->/g;

/**
 * Checks that the `mjml`/`mj-*` tags of one file nest properly. MJML's parser silently repairs an unclosed
 * or mis-nested tag and strict validation then passes, so without this a typo could reshape an email
 * without failing the build.
 */
export function checkMjmlTags(source: string, file: string): void {
  // Blanking comments keeps every offset, so line numbers still point into the original file.
  const text = source.replace(comment, (match) => match.replace(/[^\n]/g, ' '));
  const open: { name: string; line: number }[] = [];
  for (const match of text.matchAll(mjmlTag)) {
    const [, slash, name = '', attributes = ''] = match;
    const line = text.slice(0, match.index).split('\n').length;
    if (attributes.trimEnd().endsWith('/')) continue;
    if (!slash) {
      open.push({ name, line });
      continue;
    }
    const innermost = open.pop();
    if (!innermost) {
      throw new TemplateCompileError(`${file}:${line}: </${name}> closes a tag that was never opened.`);
    }
    if (innermost.name !== name) {
      throw new TemplateCompileError(
        `${file}:${line}: found </${name}> but <${innermost.name}> from line ${innermost.line} is still open.`,
      );
    }
  }
  const unclosed = open.pop();
  if (unclosed) {
    throw new TemplateCompileError(`${file}:${unclosed.line}: <${unclosed.name}> is never closed.`);
  }
}

export interface MjmlSource {
  /** The file's path as shown in messages. */
  readonly file: string;
  readonly source: string;
}

const classDefinition = /<mj-class\b[^>]*?\bname="([^"]*)"/g;
const classUse = /\bmj-class="([^"]*)"/g;

/**
 * Checks that every `mj-class="…"` names an `<mj-class name="…">` defined in one of `sources` (templates and
 * partials together, since definitions live in the shared head). MJML ignores unknown class names, even
 * under strict validation, so a renamed class would silently drop its styling.
 */
export function checkMjmlClasses(sources: readonly MjmlSource[]): void {
  const defined = new Set(
    sources.flatMap(({ source }) => [...source.matchAll(classDefinition)].map((m) => m[1])),
  );
  for (const { file, source } of sources) {
    for (const match of source.matchAll(classUse)) {
      const unknown = (match[1] ?? '').split(/\s+/).find((name) => name && !defined.has(name));
      if (unknown !== undefined) {
        const line = source.slice(0, match.index).split('\n').length;
        throw new TemplateCompileError(
          `${file}:${line}: mj-class "${unknown}" has no <mj-class name="${unknown}">.`,
        );
      }
    }
  }
}
