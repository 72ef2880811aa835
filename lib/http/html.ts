import { escapeHtml } from '../email/escape-html';

/** Tagged template that escapes every interpolation unless it is already-built markup. */
export class Markup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const piece = (v: unknown) => (v instanceof Markup ? v.html : escapeHtml(v ?? ''));
    const rendered = Array.isArray(value) ? value.map(piece).join('') : piece(value);
    out += rendered + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}
