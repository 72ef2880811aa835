import { splitParagraphs } from './clean-text';
import { BLOCK_ELEMENTS, DROPPED_ELEMENTS } from './html-elements';
import { decodeHtmlEntities } from './html-entities';
import { indexAfter, tagEnd } from './markup-scan';

const TAG_NAME = /<(\/?)([a-z][a-z0-9:-]*)/iy;
const MARKUP = /<[a-z!/]/i;
// Feeds double-escape HTML often enough (`&amp;lt;p&amp;gt;`) that one more pass is worth it; a bound keeps
// a deliberately many-times-escaped text from costing more.
const MAX_PASSES = 3;

/**
 * Reduces an HTML fragment (a feed's description or content) to text with paragraphs separated by blank
 * lines. A hand-written scan, linear in the input: a regex over hostile markup can backtrack for minutes,
 * and a full HTML parser would cost ingest's bundle more than its size limit allows. Scripts, styles and
 * the like go with their content; comments and unclosed tags go to the end of the text; character
 * references are decoded last, so `&lt;script&gt;` written as text is read once more as markup and removed
 * rather than stored.
 */
export function htmlToText(html: string): string {
  let text = html;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    text = decodeHtmlEntities(stripTags(text));
    if (!MARKUP.test(text)) break;
  }
  return splitParagraphs(text).join('\n\n');
}

function stripTags(html: string): string {
  if (!html.includes('<')) return html;
  // ASCII-only lowercasing keeps every index equal to the original's (toLowerCase can change lengths).
  const lower = html.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  const out: string[] = [];
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    if (lt === -1) {
      out.push(html.slice(at));
      break;
    }
    out.push(html.slice(at, lt));
    if (html.startsWith('<!--', lt)) {
      at = indexAfter(html, '-->', lt + 4);
      continue;
    }
    TAG_NAME.lastIndex = lt;
    const tag = TAG_NAME.exec(lower);
    if (!tag) {
      // `<!DOCTYPE …>`, `<![CDATA[`, `<?…?>` are markup; a `<` before a space or digit is text ("3 < 5").
      const declaration = html[lt + 1] === '!' || html[lt + 1] === '?';
      if (declaration) at = indexAfter(html, '>', lt);
      else {
        out.push('<');
        at = lt + 1;
      }
      continue;
    }
    const [, closing, name = ''] = tag;
    const end = tagEnd(html, lt);
    at = end + 1;
    if (!closing && DROPPED_ELEMENTS.has(name) && html[end - 1] !== '/') {
      at = closingTagEnd(html, lower, name, at);
      out.push(' ');
    } else if (name === 'br') out.push('\n');
    else if (BLOCK_ELEMENTS.has(name)) out.push('\n\n');
  }
  return out.join('');
}

/** Just past `</name …>` from `from`, or the end of the text when the element is never closed. */
function closingTagEnd(html: string, lower: string, name: string, from: number): number {
  let at = from;
  for (;;) {
    const close = lower.indexOf(`</${name}`, at);
    if (close === -1) return html.length;
    const next = lower.charAt(close + 2 + name.length);
    // `</scripts>` does not close `<script>`; `</script>`, `</script >` and `</script\n>` do.
    if (next === '>' || next === '/' || /\s/.test(next) || next === '') return tagEnd(html, close) + 1;
    at = close + 2;
  }
}
