/**
 * Finds mis-nested tags in an email as two renderers see it: a browser-like client, which ignores every
 * comment, and Outlook, which also renders the content of `<!--[if mso …]>` blocks and skips `[if !mso]`.
 */

const checkedTags = ['table', 'tbody', 'tr', 'td', 'div', 'a', 'strong', 'ul', 'li', 'html', 'head', 'body'];
const tag = new RegExp(`<(/?)(${checkedTags.join('|')})\\b[^>]*>`, 'gi');

export function nestingProblems(html: string): string[] {
  const browser = html.replace(/<!--[\s\S]*?-->/g, '');
  const outlook = html
    .replace(/<!--\[if !mso\]><!-->[\s\S]*?<!--<!\[endif\]-->/g, '')
    .replace(/<!--\[if [^\]]*mso[^\]]*\]>([\s\S]*?)<!\[endif\]-->/g, '$1')
    .replace(/<!--[\s\S]*?-->/g, '');
  return [...problems(browser, 'browser'), ...problems(outlook, 'outlook')];
}

function problems(html: string, view: string): string[] {
  const open: string[] = [];
  for (const match of html.matchAll(tag)) {
    const name = (match[2] ?? '').toLowerCase();
    if (!match[1]) {
      open.push(name);
      continue;
    }
    const innermost = open.pop();
    if (innermost !== name) return [`${view}: </${name}> closes <${innermost ?? 'nothing'}>`];
  }
  return open.length ? [`${view}: unclosed ${open.join(', ')}`] : [];
}
