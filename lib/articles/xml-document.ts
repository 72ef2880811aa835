import { ValidationError } from '../errors';
import { indexAfter, tagEnd } from './markup-scan';

/** An element of a parsed XML document; text children have their entity references decoded. */
export interface XmlElement {
  /** The tag name as written, prefix included (`content:encoded`). */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

interface OpenElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9a-f]+|#[0-9]+|[a-z_][\w.-]*);/gi;
const SPACE = /\s*/y;
const ATTRIBUTE_NAME = /([A-Za-z_][\w.:-]*)\s*=\s*/y;
/** Far deeper than any feed (RSS items sit at depth 3, Atom's xhtml a few levels below); it bounds recursion later. */
export const MAX_XML_DEPTH = 100;
const ENCODING = /^\s*<\?xml\b[^?]*\bencoding\s*=\s*["']([^"']+)["']/i;

/**
 * Reads a feed's XML, strictly: a document that is not well-formed is refused whole with the line and column
 * of the first fault, so a feed cut off in transit never stores half an item. Document type declarations are
 * refused before anything else: they are how entity expansion (billion laughs) and external entities
 * (`SYSTEM "file:///etc/passwd"`) get in, and feeds have no use for them. With none, only the five predefined
 * entities and character references mean anything; any other `&name;` stays in the text as written.
 *
 * Hand-written rather than a registry parser: the well-kept ones (fast-xml-parser 64 KB minified, sax 23 KB,
 * saxes 29 KB, even fast-xml-parser's validator alone at 5.6 KB beside this builder) take ingest's bundle,
 * which already carries franc's language models, past its 250 KB limit, and the one small enough (txml)
 * loops forever on `<script>x</script >`. It is one linear pass with an explicit stack, so neither a deep
 * document nor a hostile one can overflow the stack or backtrack.
 */
export function parseXmlDocument(xml: string): XmlElement {
  assertNoDoctype(xml);
  const encoding = ENCODING.exec(xml)?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    throw new ValidationError(
      'unsupported_encoding',
      `The feed declares encoding "${encoding}"; send it as UTF-8 (and declare encoding="UTF-8" or none).`,
    );
  }
  return buildTree(xml);
}

/** Skips the prolog (declaration, processing instructions, comments) and refuses a DOCTYPE found in it. */
function assertNoDoctype(xml: string): void {
  let at = 0;
  for (;;) {
    at = xml.indexOf('<', at);
    if (at === -1) return;
    if (xml.startsWith('<?', at)) at = indexAfter(xml, '?>', at);
    else if (xml.startsWith('<!--', at)) at = indexAfter(xml, '-->', at);
    else if (xml.slice(at, at + 9).toUpperCase() === '<!DOCTYPE') {
      throw new ValidationError(
        'doctype_not_accepted',
        'The feed has a <!DOCTYPE> declaration; Tidings reads no DTDs or entity declarations, so remove it.',
      );
    } else return;
  }
}

function buildTree(xml: string): XmlElement {
  const top: OpenElement = { name: '', attributes: {}, children: [] };
  const open: OpenElement[] = [top];
  let at = 0;
  while (at < xml.length) {
    const parent = open[open.length - 1] as OpenElement;
    const lt = xml.indexOf('<', at);
    const text = xml.slice(at, lt === -1 ? xml.length : lt);
    if (open.length > 1) {
      if (text !== '') parent.children.push(textContent(xml, at, text));
    } else if (text.trim() !== '') throw malformed(xml, at, 'text outside the root element');
    if (lt === -1) break;
    if (xml.startsWith('<![CDATA[', lt)) {
      if (open.length === 1) throw malformed(xml, lt, 'CDATA outside the root element');
      at = closeOf(xml, lt, ']]>', 'CDATA section');
      parent.children.push(xml.slice(lt + 9, at - 3));
    } else if (xml.startsWith('<!--', lt)) {
      at = closeOf(xml, lt, '-->', 'comment');
    } else if (xml.startsWith('<?', lt)) {
      at = closeOf(xml, lt, '?>', 'processing instruction');
    } else if (xml.startsWith('<!', lt)) {
      throw malformed(xml, lt, 'a declaration (<!…>) inside the document');
    } else if (xml.startsWith('</', lt)) {
      at = closeOf(xml, lt, '>', 'closing tag');
      const name = xml.slice(lt + 2, at - 1).trim();
      if (open.length === 1 || name !== parent.name) {
        throw malformed(
          xml,
          lt,
          `</${name}> does not close ${open.length === 1 ? 'any element' : `<${parent.name}>`}`,
        );
      }
      open.pop();
    } else {
      const end = tagEnd(xml, lt);
      if (end === xml.length) throw malformed(xml, lt, 'a tag that is never closed with ">"');
      const element = startTag(xml, lt, end);
      if (open.length === 1 && top.children.length > 0) throw malformed(xml, lt, 'a second root element');
      parent.children.push(element);
      if (!xml.startsWith('/>', end - 1)) open.push(element);
      if (open.length > MAX_XML_DEPTH + 1) {
        throw new ValidationError(
          'feed_too_deep',
          `The feed nests elements more than ${MAX_XML_DEPTH} deep.`,
        );
      }
      at = end + 1;
    }
  }
  const unclosed = open[open.length - 1] as OpenElement;
  if (open.length > 1) throw malformed(xml, xml.length, `<${unclosed.name}> is never closed`);
  const [root] = top.children;
  if (root === undefined || typeof root === 'string') throw malformed(xml, 0, 'no root element');
  return root;
}

const NAME = /^[A-Za-z_][\w.:-]*/;

function startTag(xml: string, lt: number, end: number): OpenElement {
  const tag = xml.slice(lt + 1, xml[end - 1] === '/' ? end - 1 : end);
  const name = NAME.exec(tag)?.[0];
  if (name === undefined || (tag.length > name.length && !/\s/.test(tag.charAt(name.length)))) {
    throw malformed(xml, lt, 'a tag name that is not an XML name');
  }
  // No prototype: an attribute named `__proto__` is just an attribute.
  const attributes: Record<string, string> = Object.create(null);
  const bad = () => malformed(xml, lt, `malformed, repeated or unquoted attributes in <${name}>`);
  // A loop with sticky patterns, not one global regex: that would rescan a long unquoted token from each
  // of its characters.
  let at = name.length;
  for (;;) {
    SPACE.lastIndex = at;
    at += SPACE.exec(tag)?.[0].length ?? 0;
    if (at >= tag.length) break;
    ATTRIBUTE_NAME.lastIndex = at;
    const key = ATTRIBUTE_NAME.exec(tag)?.[1];
    const quote = tag.charAt(ATTRIBUTE_NAME.lastIndex);
    if (key === undefined || (quote !== '"' && quote !== "'") || Object.hasOwn(attributes, key)) throw bad();
    const close = tag.indexOf(quote, ATTRIBUTE_NAME.lastIndex + 1);
    const value = tag.slice(ATTRIBUTE_NAME.lastIndex + 1, close);
    if (close === -1 || value.includes('<') || BARE_AMPERSAND.test(value)) throw bad();
    attributes[key] = decodeXmlReferences(value);
    at = close + 1;
    if (at < tag.length && !/\s/.test(tag.charAt(at))) throw bad();
  }
  return { name, attributes, children: [] };
}

const BARE_AMPERSAND = /&(?!#x[0-9a-f]+;|#[0-9]+;|[a-z_][\w.-]*;)/i;

function textContent(xml: string, at: number, text: string): string {
  const bare = BARE_AMPERSAND.exec(text);
  if (bare) throw malformed(xml, at + bare.index, 'a bare "&" (write it as &amp;)');
  return decodeXmlReferences(text);
}

/** Just past the `end` that closes the construct opened at `from`, or a refusal naming what is left open. */
function closeOf(xml: string, from: number, end: string, what: string): number {
  const at = xml.indexOf(end, from + 2);
  if (at === -1) throw malformed(xml, from, `a ${what} that is never closed`);
  return at + end.length;
}

function malformed(xml: string, at: number, fault: string): ValidationError {
  const before = xml.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return new ValidationError(
    'invalid_xml',
    `The feed is not well-formed XML: ${fault} (line ${line}, column ${column}).`,
  );
}

/** The predefined entities and character references; other names are left as written (no DTD defines them). */
export function decodeXmlReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, ref: string) => {
    if (ref.startsWith('#')) return fromCodePoint(ref);
    // Own keys only: `&constructor;` must not reach Object.prototype.
    return Object.hasOwn(PREDEFINED, ref) ? (PREDEFINED[ref] as string) : whole;
  });
}

/** `#233` or `#xE9` as a character; a reference to no character (0, a surrogate, past U+10FFFF) becomes U+FFFD. */
export function fromCodePoint(ref: string): string {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const code = Number.parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10);
  const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
  return valid ? String.fromCodePoint(code) : '\uFFFD';
}

/** The name without its namespace prefix: feeds bind the Atom and Dublin Core namespaces to various prefixes. */
export function localName(element: XmlElement): string {
  const colon = element.name.indexOf(':');
  return colon === -1 ? element.name : element.name.slice(colon + 1);
}

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => typeof child !== 'string');
}
