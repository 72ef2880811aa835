import { TemplateCompileError } from './template-compile-error';

/** The contents of one `templates/copy/<locale>.json`: nested sections whose leaves are strings. */
export interface Copy {
  readonly [key: string]: string | Copy;
}

export interface FillOptions {
  readonly copy: Copy;
  /** Name of the copy file, for error messages. */
  readonly copyFile: string;
  /** The section that `[[email.key]]` reads: the email being compiled. */
  readonly section: string;
  /** Applied to each copy string as it is inserted. */
  readonly escape: (text: string) => string;
  /** Resolves `[[> name]]`; absent where partials are not allowed. */
  readonly partial?: (name: string) => string;
  /** The template being filled, for error messages. */
  readonly file: string;
}

const placeholder = /\[\[(.*?)\]\]/g;
const copyKey = /^\s*([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*$/;
const partialName = /^>\s*([a-z0-9-]+)\s*$/;

/**
 * Replaces the copy placeholders of a template, which keep the wording apart from the layout:
 * `[[section.key]]` inserts a string from the copy file (it may itself hold Mustache tags, filled at send
 * time), `[[email.key]]` reads the section of the email being compiled so that shared partials can carry
 * per-email wording, and `[[> name]]` inserts a partial. Inserted text is not scanned again.
 */
export function fillCopy(template: string, options: FillOptions): string {
  return template.replace(placeholder, (match, inner: string) => {
    const partial = partialName.exec(inner)?.[1];
    if (partial !== undefined && options.partial) return fillCopy(options.partial(partial), options);
    const key = copyKey.exec(inner)?.[1];
    if (key === undefined) {
      throw new TemplateCompileError(
        `${options.file}: ${match} is not a copy placeholder like [[alert.heading]].`,
      );
    }
    return options.escape(lookupCopy(options, key));
  });
}

function lookupCopy(options: FillOptions, key: string): string {
  const [first = '', ...rest] = key.split('.');
  const path = [first === 'email' ? options.section : first, ...rest];
  let value: string | Copy | undefined = options.copy;
  for (const part of path) value = typeof value === 'object' ? value[part] : undefined;
  if (typeof value !== 'string') {
    throw new TemplateCompileError(
      `${options.file}: [[${key}]] needs the string "${path.join('.')}" in ${options.copyFile}, which has none.`,
    );
  }
  return value;
}

/** Checks parsed JSON against the `Copy` shape, naming the first offending key. */
export function parseCopy(json: unknown, copyFile: string, at = ''): Copy {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const what = at ? `"${at}" must be a string or an object of strings` : 'the file must hold a JSON object';
    throw new TemplateCompileError(`${copyFile}: ${what}.`);
  }
  const copy: Record<string, string | Copy> = {};
  for (const [key, value] of Object.entries(json)) {
    const path = at ? `${at}.${key}` : key;
    copy[key] = typeof value === 'string' ? value : parseCopy(value, copyFile, path);
  }
  return copy;
}
