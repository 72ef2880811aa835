import Mustache from 'mustache';

/*
 * Mustache, compiled. mustache.js walks its token tree and builds a lookup cache for every render; for a
 * 40 KB digest that walk was most of the render. Here each template's tokens (parsed by mustache.js, so
 * the syntax is exactly its own) become closures once, and filling is string concatenation. Only what the
 * build allows is supported: names, sections and inverted sections (compile-templates refuses `{{{ }}}`,
 * `{{& }}`, partials and delimiter changes), with mustache.js's lookup rules.
 */

type Escape = (value: unknown) => string;
type Fill = (stack: unknown[], escape: Escape, out: string[]) => void;

const compiled = new Map<string, Fill>();

/** Mustache.render(template, view) with `escape` for every `{{name}}`, from a cached compilation. */
export function fillTemplate(template: string, view: object, escape: Escape): string {
  let fill = compiled.get(template);
  if (!fill) {
    fill = compileTokens(Mustache.parse(template) as unknown[]);
    compiled.set(template, fill);
  }
  // Pieces are joined once at the end: `+=` would build a rope thousands of pieces deep, and flattening
  // that later (when the MIME builder first reads it) cost more than the whole fill.
  const out: string[] = [];
  fill([view], escape, out);
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

function compileTokens(tokens: readonly unknown[]): Fill {
  const parts = tokens.map(compileToken);
  return (stack, escape, out) => {
    for (const part of parts) {
      if (typeof part === 'string') out.push(part);
      else part(stack, escape, out);
    }
  };
}

function compileToken(token: unknown): string | Fill {
  const [type, value, , , children] = token as [string, string, number, number, unknown[] | undefined];
  if (type === 'text') return value;
  if (type === 'name') {
    return (stack, escape, out) => {
      const found = lookup(stack, value);
      if (found !== undefined && found !== null) out.push(escape(found));
    };
  }
  const inner = compileTokens(children ?? []);
  if (type === '#') {
    return (stack, escape, out) => {
      const found = lookup(stack, value);
      if (!found) return;
      if (typeof found === 'function')
        throw new Error(`{{#${value}}} is a function; lambdas are not supported.`);
      for (const item of Array.isArray(found) ? found : [found]) {
        stack.push(item);
        inner(stack, escape, out);
        stack.pop();
      }
    };
  }
  if (type === '^') {
    return (stack, escape, out) => {
      const found = lookup(stack, value);
      if (!found || (Array.isArray(found) && found.length === 0)) inner(stack, escape, out);
    };
  }
  throw new Error(`Mustache "${type}" tags are not supported in email templates.`);
}
