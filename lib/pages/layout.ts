import { html, Markup } from '../http/html';

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  main { max-width: 40rem; margin: 3rem auto; background: #fff; padding: 2rem 2.5rem; border-radius: 10px;
         box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h1 { font-size: 1.6rem; margin-top: 0; } .brand { color: #2454d6; font-weight: 700; letter-spacing: .02em; text-decoration: none; }
  label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
  input, textarea, select { width: 100%; box-sizing: border-box; font: inherit; padding: .55rem .7rem;
         border: 1px solid #c5cad3; border-radius: 6px; }
  textarea { min-height: 6rem; } .hint { color: #5b6474; font-size: .9rem; margin: .25rem 0 0; }
  button { margin-top: 1.4rem; font: inherit; font-weight: 600; background: #2454d6; color: #fff; border: 0;
         padding: .7rem 1.4rem; border-radius: 6px; cursor: pointer; }
  .error { background: #fdecec; color: #8a1c1c; padding: .8rem 1rem; border-radius: 6px; }
  code { background: #eef0f4; padding: 0 .25rem; border-radius: 3px; }
  hr { margin: 2rem 0 1rem; border: 0; border-top: 1px solid #e3e6ec; }
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
