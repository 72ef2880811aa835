import { html, Markup } from '../http/html';

/**
 * Every colour the pages use. Each text and control colour meets WCAG AA against what it sits on (4.5:1 for
 * text, 3:1 for borders and the focus ring); test/pages/layout.test.ts checks the pairs below and that the
 * style uses no colour outside this list.
 */
export const COLOURS = {
  page: '#f4f5f7',
  surface: '#ffffff',
  text: '#1d2330',
  muted: '#5b6474',
  placeholder: '#6b7280',
  brand: '#2454d6',
  onBrand: '#ffffff',
  border: '#7a8394',
  rule: '#e3e6ec',
  codeSurface: '#eef0f4',
  errorText: '#8a1c1c',
  errorSurface: '#fdecec',
  invalid: '#b42318',
  focus: '#1a3fa8',
} as const;

type Colour = keyof typeof COLOURS;

/** Foreground, background, the ratio WCAG AA asks of that pair. */
export const CONTRAST_PAIRS: readonly (readonly [Colour, Colour, number])[] = [
  ['text', 'surface', 4.5],
  ['text', 'codeSurface', 4.5],
  ['muted', 'surface', 4.5],
  ['placeholder', 'surface', 4.5],
  ['brand', 'surface', 4.5],
  ['onBrand', 'brand', 4.5],
  ['errorText', 'errorSurface', 4.5],
  ['errorText', 'surface', 4.5],
  ['border', 'surface', 3],
  ['invalid', 'surface', 3],
  ['focus', 'surface', 3],
  ['focus', 'page', 3],
];

const c = COLOURS;
export const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: ${c.page}; color: ${c.text}; }
  main { max-width: 40rem; margin: 3rem auto; background: ${c.surface}; padding: 2rem 2.5rem; border-radius: 10px;
         box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h1 { font-size: 1.6rem; margin-top: 0; }
  a { color: ${c.brand}; }
  .brand { color: ${c.brand}; font-weight: 700; letter-spacing: .02em; text-decoration: none; }
  label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
  input, textarea, select { width: 100%; box-sizing: border-box; font: inherit; color: ${c.text}; background: ${c.surface};
         padding: .55rem .7rem; border: 1px solid ${c.border}; border-radius: 6px; }
  ::placeholder { color: ${c.placeholder}; opacity: 1; }
  textarea { min-height: 6rem; } .hint { color: ${c.muted}; font-size: .9rem; margin: .25rem 0 0; }
  .row { display: flex; gap: 1rem; } .row > div { flex: 1; }
  button { margin-top: 1.4rem; font: inherit; font-weight: 600; background: ${c.brand}; color: ${c.onBrand}; border: 0;
         padding: .7rem 1.4rem; border-radius: 6px; cursor: pointer; }
  :focus-visible { outline: 3px solid ${c.focus}; outline-offset: 2px; }
  input:focus-visible, textarea:focus-visible, select:focus-visible { border-color: ${c.focus}; }
  .error { background: ${c.errorSurface}; color: ${c.errorText}; padding: .8rem 1rem; border-radius: 6px; }
  .field-error { color: ${c.errorText}; font-weight: 600; margin: .25rem 0; }
  [aria-invalid="true"] { border: 2px solid ${c.invalid}; }
  code { background: ${c.codeSurface}; padding: 0 .25rem; border-radius: 3px; }
  hr { margin: 2rem 0 1rem; border: 0; border-top: 1px solid ${c.rule}; }
  .trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
`;

export function layout(title: string, body: Markup): Markup {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Tidings</title>
<style>${new Markup(STYLE)}</style>
</head>
<body><main><p><a class="brand" href="/">Tidings</a></p>${body}</main></body>
</html>`;
}
