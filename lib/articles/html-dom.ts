/**
 * The HTML parser (linkedom) and article extractor (@mozilla/readability) in one module of their own: the
 * ingest and poll bundles build it as a separate file beside index.mjs and imports it as `#html-dom` (package.json
 * `imports`) when the first web page arrives, so the ~480 KB they minify to is not read at every cold start
 * (see lib/stack/tidings-function.ts). Only library code lives here: a Tidings class bundled into both files
 * would be two classes, and `instanceof` at the HTTP boundary would miss one.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/** The few DOM members Tidings reads; the project compiles without the browser's DOM typings. */
export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  getAttribute(name: string): string | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
  remove(): void;
}

export interface DomDocument {
  readonly documentElement: DomElement | null;
  readonly title: string;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
}

export interface ReadArticle {
  readonly title?: string | null;
  readonly content?: DomElement | null;
  readonly byline?: string | null;
  readonly siteName?: string | null;
  readonly lang?: string | null;
  readonly publishedTime?: string | null;
}

/**
 * Parses a whole HTML document (not a fragment: linkedom needs `<html>` to build `head` and `body`). Text
 * with no element in it at all (plain text, a lone doctype or comment) leaves linkedom a document without a
 * root, whose `title` and `head` throw; a browser shows such text as the body of a page, and so is it read.
 */
export function parseDocument(html: string): DomDocument {
  const { document } = parseHTML(html);
  if (document.documentElement) return document as DomDocument;
  return parseHTML(`<html><head></head><body>${html}</body></html>`).document as DomDocument;
}

/**
 * Readability's pick of the document's article, or null when it finds none. It changes the document as it
 * works, so read anything else first. The content comes back as the DOM element, not serialised HTML, so it
 * is walked once instead of serialised and parsed again.
 */
export function readArticle(document: DomDocument): ReadArticle | null {
  return new Readability(document as never, { serializer: (node) => node as unknown as DomElement }).parse();
}
