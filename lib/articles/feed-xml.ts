import { type MatcherView, XMLParser, XMLValidator } from 'fast-xml-parser';
import { ValidationError } from '../errors';
import { decodeReferences } from './html-entities';
import { indexAfter } from './markup-scan';

/** An element of a parsed XML document; text children have their entity references decoded. */
export interface XmlElement {
  /** The tag name as written, prefix included (`content:encoded`). */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

/** Far deeper than any feed (RSS items sit at depth 3, Atom's xhtml a few levels below); it bounds recursion later. */
export const MAX_XML_DEPTH = 100;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9a-f]+|#[0-9]+|[a-z_][\w.-]*);/gi;
const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';

/** fast-xml-parser's `preserveOrder` output: one single-key object per node, attributes beside the key. */
type OrderedNode = { [name: string]: OrderedNode[] | string | Record<string, string> };

// - preserveOrder: feeds carry mixed content (Atom's xhtml, tags left unescaped in a description) whose
//   order is its meaning; every list of children is an array, so a feed of one <item> reads like one of many.
// - processEntities off, and the five XML entities and character references decoded here instead: with it
//   on, the parser expands entities a DOCTYPE declares even in the middle of the document, where the
//   prolog check below does not look.
// - CDATA kept apart from text, so HTML in CDATA is not decoded twice.
// - maxNestedTags just past our own depth check in updateTag, which refuses with a named error.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: CDATA,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH + 2,
  jPath: false,
  updateTag(name, matcher) {
    if ((matcher as MatcherView).getDepth() > MAX_XML_DEPTH) {
      throw new ValidationError('feed_too_deep', `The feed nests elements more than ${MAX_XML_DEPTH} deep.`);
    }
    return name;
  },
});

/**
 * Reads a feed's XML, strictly, with fast-xml-parser: a document that is not well-formed is refused whole
 * with the line and column of the first fault (its validator), so a feed cut off in transit never stores
 * half an item. Document type declarations are refused before anything else: they are how entity expansion
 * (billion laughs) and external entities (`SYSTEM "file:///etc/passwd"`) get in, and feeds have no use for
 * them. Only the five predefined entities and character references mean anything; any other `&name;` stays
 * in the text as written. The text is already decoded (lib/http/decode-body.ts reads the bytes in the
 * charset `<?xml encoding?>` declares), so the declaration means nothing more here.
 */
export function parseXmlDocument(xml: string): XmlElement {
  assertNoDoctype(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    // The validator lists elements left open at the end as a JSON array, at line 1, column 1.
    const open = /^Invalid '(\[.*\])' found\.$/.exec(msg)?.[1];
    const names = open === undefined ? [] : (JSON.parse(open) as string[]);
    throw malformed(
      names.length > 0
        ? `<${names[names.length - 1]}> is never closed (the document ends inside ${names.map((n) => `<${n}>`).join(' ')})`
        : `${msg.replace(/\.$/, '')} (line ${line}, column ${col})`,
    );
  }
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(xml) as OrderedNode[];
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    // The validator has passed, so what the parser still refuses is the input: a name reserved in
    // JavaScript (`__proto__`) or a second DOCTYPE. Its message is not passed on.
    throw malformed('a name or declaration Tidings does not read (such as __proto__ or a DOCTYPE)');
  }
  const roots = nodes.filter((node) => elementName(node) !== undefined);
  if (roots.length > 1) throw malformed('a second root element');
  const [root] = roots;
  if (root === undefined) throw malformed('no root element');
  return toElement(root);
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

/** The node's tag name, or undefined for text and CDATA. */
function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ATTRIBUTES && key !== TEXT && key !== CDATA);
}

/** Into our own shape, with an explicit stack: depth is bounded, but no recursion is needed to build it. */
function toElement(root: OrderedNode): XmlElement {
  const made = new Map<
    OrderedNode,
    { name: string; attributes: Record<string, string>; children: (XmlElement | string)[] }
  >();
  const make = (node: OrderedNode, name: string) => {
    if (name.startsWith('!')) throw malformed(`a declaration (<${name}…>) inside the document`);
    // No prototype: an attribute named `constructor` is just an attribute.
    const attributes: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries((node[ATTRIBUTES] ?? {}) as Record<string, string>)) {
      attributes[key] = decodeXmlReferences(value);
    }
    const element = { name, attributes, children: [] as (XmlElement | string)[] };
    made.set(node, element);
    return element;
  };
  const rootName = elementName(root) as string;
  const top = make(root, rootName);
  const pending: [OrderedNode, string][] = [[root, rootName]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, name] = next;
    const element = made.get(node) as ReturnType<typeof make>;
    for (const child of node[name] as OrderedNode[]) {
      const childName = elementName(child);
      if (childName !== undefined) {
        element.children.push(make(child, childName));
        pending.push([child, childName]);
      } else if (TEXT in child) {
        element.children.push(decodeXmlReferences(String(child[TEXT])));
      } else {
        const cdata = child[CDATA] as OrderedNode[];
        element.children.push(cdata.map((c) => String(c[TEXT] ?? '')).join(''));
      }
    }
  }
  return top;
}

function malformed(fault: string): ValidationError {
  return new ValidationError('invalid_xml', `The feed is not well-formed XML: ${fault}.`);
}

/** The predefined entities and character references; other names are left as written (no DTD defines them). */
function decodeXmlReferences(text: string): string {
  return decodeReferences(text, PREDEFINED, REFERENCE);
}

/** The name without its namespace prefix: feeds bind the Atom and Dublin Core namespaces to various prefixes. */
export function localName(element: XmlElement): string {
  const colon = element.name.indexOf(':');
  return colon === -1 ? element.name : element.name.slice(colon + 1);
}

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => typeof child !== 'string');
}
