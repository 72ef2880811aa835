import Mustache from 'mustache';

/*
 * Mustache, compiled. mustache.js walks its token tree and builds a lookup cache for every render; for a
 * 40 KB digest that walk was most of the render. Here each template's tokens (parsed by mustache.js, so
 * the syntax is exactly its own) become closures once, and filling is string concatenation. Only what the
 * build allows is supported: names, sections and inverted sections (compile-templates refuses `{{{ }}}`,
 * `{{& }}`, partials and delimiter changes), with mustache.js's lookup rules.
 */

type Encode = (value: unknown) => string;
type Fill = (stack: unknown[], encode: Encode, out: string[]) => void;

const compiled = new Map<string, Fill>();

/*
 * Section items whose every name resolves inside themselves, so a section's output for one depends on
 * that item alone: a digest story shown to many readers is filled once per template, not once per reader.
 */
const selfContained = new WeakSet<object>();
const filledItems = new WeakMap<object, Map<Fill, { encode: Encode; text: string }>>();

/** Declares that no name inside a section over `item` falls through to an outer context. */
export function markSelfContained<T extends object>(item: T): T {
  selfContained.add(item);
  return item;
}

function fillItem(item: unknown, inner: Fill, stack: unknown[], encode: Encode, out: string[]): void {
  const cacheable = typeof item === 'object' && item !== null && selfContained.has(item);
  const cached = cacheable ? filledItems.get(item)?.get(inner) : undefined;
  if (cached && cached.encode === encode) {
    out.push(cached.text);
    return;
  }
  stack.push(item);
  if (!cacheable) {
    inner(stack, encode, out);
    stack.pop();
    return;
  }
  const own: string[] = [];
  inner(stack, encode, own);
  stack.pop();
  const text = own.join('');
  let byFill = filledItems.get(item as object);
  if (!byFill) {
    byFill = new Map();
    filledItems.set(item as object, byFill);
  }
  byFill.set(inner, { encode, text });
  out.push(text);
}

/** Mustache.render(template, view) with `encode` for every `{{name}}`, from a cached compilation. */
export function fillTemplate(template: string, view: object, encode: Encode): string {
  let fill = compiled.get(template);
  if (!fill) {
    fill = compileTokens(Mustache.parse(template) as unknown[]);
    compiled.set(template, fill);
  }
  // Pieces are joined once at the end: `+=` would build a rope thousands of pieces deep, and flattening
  // that later (when the MIME builder first reads it) cost more than the whole fill.
  const out: string[] = [];
  fill([view], encode, out);
  return out.join('');
}

/** mustache.js's rule: the innermost context object that has the property, even when it is undefined. */
function lookup(stack: readonly unknown[], name: string): unknown {
  for (let i = stack.length - 1; i >= 0; i--) {
    const view = stack[i];
    if (view !== null && typeof view === 'object' && name in view)
      return (view as Record<string, unknown>)[name];
  }
  return undefined;
}

/**
 * The template's text as V8's one-byte string when it is ASCII. Literals of the generated module arrive
 * two bytes per character, and one such piece makes every email built from it two-byte: slower to join,
 * measure and encode for each recipient.
 */
function oneByte(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length === text.length ? bytes.toString('latin1') : text;
}

function compileTokens(tokens: readonly unknown[]): Fill {
  const parts = tokens.map(compileToken);
  return (stack, encode, out) => {
    for (const part of parts) {
      if (typeof part === 'string') out.push(part);
      else part(stack, encode, out);
    }
  };
}

function compileToken(token: unknown): string | Fill {
  const [type, value, , , children] = token as [string, string, number, number, unknown[] | undefined];
  if (type === 'text') return oneByte(value);
  if (type === 'name') {
    return (stack, encode, out) => {
      const found = lookup(stack, value);
      if (found !== undefined && found !== null) out.push(encode(found));
    };
  }
  const inner = compileTokens(children ?? []);
  if (type === '#') {
    return (stack, encode, out) => {
      const found = lookup(stack, value);
      if (!found) return;
      if (typeof found === 'function')
        throw new Error(`{{#${value}}} is a function; lambdas are not supported.`);
      for (const item of Array.isArray(found) ? found : [found]) fillItem(item, inner, stack, encode, out);
    };
  }
  if (type === '^') {
    return (stack, encode, out) => {
      const found = lookup(stack, value);
      if (!found || (Array.isArray(found) && found.length === 0)) inner(stack, encode, out);
    };
  }
  throw new Error(`Mustache "${type}" tags are not supported in email templates.`);
}
