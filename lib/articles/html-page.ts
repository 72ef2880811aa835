import { ValidationError } from '../errors';
import { splitParagraphs } from './clean-text';
import { parseIsoDate } from './dates';
import type { DomDocument, DomElement, DomNode, ReadArticle } from './html-dom';
import { BLOCK_ELEMENTS, DROPPED_ELEMENTS } from './html-elements';
import { parseJsonArticle } from './json-article';
import type { ArticleInput } from './types';

/** What reading a page needs from `#html-dom`; handed in, so this module loads nothing itself. */
export interface HtmlDom {
  parseDocument(html: string): DomDocument;
  readArticle(document: DomDocument): ReadArticle | null;
}

/** Page furniture rather than story: removed before Readability looks, and skipped if any is left. */
const CHROME = ['nav', 'form', 'aside', 'button', 'select', 'textarea', 'dialog', 'menu'];
const SKIPPED = new Set([...DROPPED_ELEMENTS, ...CHROME]);
const TEXT_NODE = 3;
const ELEMENT_NODE = 1;
const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;
/**
 * Measured here: linkedom takes 0.4 s to build 25,000 nested elements and 14 s for 100,000 (it grows with
 * the square of the depth); Readability takes 1.1 s over 400 nested ones and 3.5 s over 20,000 links. Real
 * article pages nest a few dozen deep and keep a few thousand elements once their furniture is gone, so
 * these bounds refuse only pages built to stall ingest (its Lambda has 10 s).
 */
export const MAX_PAGE_DEPTH = 100;
export const MAX_PAGE_ELEMENTS = 15_000;
// `[^<>]`, not `[^>]`: a `<` with no `>` after it must not make every later `<` scan to the end.
const TAG = /<(\/?)([a-z][a-z0-9:-]*)[^<>]*?(\/?)>/gi;
/** Never hold content, or close themselves when the next one starts: neither nests. */
const NOT_NESTING = new Set(
  'area base br col embed hr img input link meta source track wbr p li dt dd option tr td th html head body'.split(
    ' ',
  ),
);

/**
 * Reads one article page into an article: its text as Readability picks it out (paragraphs kept, block by
 * block), the title, the canonical link, published and updated times, the site's name and the language.
 * Metadata is read before Readability runs, because Readability rewrites the document as it goes. A value
 * a page states badly (a date no one can read, a relative link with nothing to resolve it against, a
 * language code that is none) is left out rather than refusing the whole page: the story is still there.
 */
export function parseHtmlPage(html: string, dom: HtmlDom): ArticleInput {
  if (html.trim() === '') throw new ValidationError('empty_body', 'The request body is empty.');
  assertShallow(html);
  const document = dom.parseDocument(html);
  const meta = metaValues(document);
  const linked = linkedData(document);
  const published = firstDate(meta['article:published_time'], linked.datePublished, timeOf(document));
  const updated = firstDate(meta['article:modified_time'], meta['og:updated_time'], linked.dateModified);
  const url = canonicalLink(document, meta);
  const lang = languageOf(document.documentElement?.getAttribute('lang'));
  const title = meta['og:title'] || document.title;

  for (const name of [...DROPPED_ELEMENTS, ...CHROME]) {
    for (const element of Array.from(document.querySelectorAll(name))) element.remove();
  }
  const elements = document.querySelectorAll('*').length;
  if (elements > MAX_PAGE_ELEMENTS) {
    throw tooComplex(
      `it has ${elements.toLocaleString('en')} elements besides scripts, navigation and forms; at most ${MAX_PAGE_ELEMENTS.toLocaleString('en')} are read`,
    );
  }
  // A fragment whose root was a script or navigation has no root left; Readability throws on that.
  const article = document.documentElement ? dom.readArticle(document) : null;
  const text = article?.content ? textOf(article.content) : textOf(document.querySelector('body'));
  if (text === '') {
    throw new ValidationError(
      'no_article_text',
      'The page has no readable article text (only scripts, styles, navigation or forms).',
    );
  }
  const source = meta['og:site_name'] || article?.siteName || article?.byline || undefined;
  const input = parseJsonArticle({
    text,
    title: article?.title || title,
    url,
    publishedAt: published ?? firstDate(article?.publishedTime),
    source,
    lang,
  });
  return updated === undefined || updated === input.publishedAt ? input : { ...input, updatedAt: updated };
}

/**
 * Refuses markup nested deeper than MAX_PAGE_DEPTH before the parser sees it, counting open and close tags
 * in one linear pass. Elements that never nest (void ones, and those the next sibling closes: `<p>`, `<li>`,
 * `<td>`…) are not counted, so sloppy markup does not add up to a depth the DOM would not have.
 */
function assertShallow(html: string): void {
  let depth = 0;
  // Inside <svg> and <math> a trailing `/>` closes the element; elsewhere HTML ignores it (`<div/>` opens).
  let foreignFrom: number | undefined;
  for (const [, closing, tag = '', selfClosing] of html.matchAll(TAG)) {
    const name = tag.toLowerCase();
    if (NOT_NESTING.has(name) || (selfClosing && foreignFrom !== undefined)) continue;
    if (closing) {
      depth = Math.max(0, depth - 1);
      if (foreignFrom !== undefined && depth <= foreignFrom) foreignFrom = undefined;
      continue;
    }
    if (foreignFrom === undefined && (name === 'svg' || name === 'math') && !selfClosing) foreignFrom = depth;
    depth += 1;
    if (depth > MAX_PAGE_DEPTH) throw tooComplex(`its elements nest more than ${MAX_PAGE_DEPTH} deep`);
  }
}

function tooComplex(what: string): ValidationError {
  return new ValidationError('page_too_complex', `The page cannot be read: ${what}.`);
}

/** `<meta property|name|itemprop="…" content="…">`, keys lowercased; the first of each name wins. */
function metaValues(document: DomDocument): Record<string, string> {
  const values: Record<string, string> = Object.create(null);
  for (const element of Array.from(document.querySelectorAll('meta'))) {
    const key = (
      element.getAttribute('property') ??
      element.getAttribute('name') ??
      element.getAttribute('itemprop')
    )
      ?.trim()
      .toLowerCase();
    const content = element.getAttribute('content')?.trim();
    if (key && content && !(key in values)) values[key] = content;
  }
  return values;
}

/**
 * `datePublished` and `dateModified` from the page's JSON-LD (schema.org's NewsArticle and kin), found in a
 * top-level object, a list, or an `@graph`. A block that is not JSON is passed over, as browsers do.
 */
function linkedData(document: DomDocument): { datePublished?: string; dateModified?: string } {
  for (const script of Array.from(document.querySelectorAll('script[type="application/ld+json"]'))) {
    let value: unknown;
    try {
      value = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    const graph = (value as { '@graph'?: unknown } | null)?.['@graph'];
    const candidates = [
      value,
      ...(Array.isArray(value) ? value : []),
      ...(Array.isArray(graph) ? graph : []),
    ];
    for (const candidate of candidates) {
      if (typeof candidate !== 'object' || candidate === null) continue;
      const { datePublished, dateModified } = candidate as Record<string, unknown>;
      if (typeof datePublished === 'string' || typeof dateModified === 'string') {
        return {
          ...(typeof datePublished === 'string' && { datePublished }),
          ...(typeof dateModified === 'string' && { dateModified }),
        };
      }
    }
  }
  return {};
}

/** The story's `<time datetime>`: one marked as the publication date if there is one, else the first. */
function timeOf(document: DomDocument): string | undefined {
  const time =
    document.querySelector('time[itemprop="datePublished"][datetime]') ??
    document.querySelector('time[pubdate][datetime]') ??
    document.querySelector('article time[datetime]') ??
    document.querySelector('time[datetime]');
  return time?.getAttribute('datetime') ?? undefined;
}

function firstDate(...values: (string | null | undefined)[]): string | undefined {
  for (const value of values) {
    const date = value ? parseIsoDate(value) : undefined;
    if (date) return date.toISOString();
  }
  return undefined;
}

/** `<link rel="canonical">`, else `og:url`, resolved against `og:url` or `<base href>`; http(s) only. */
function canonicalLink(document: DomDocument, meta: Record<string, string>): string | undefined {
  const canonical = Array.from(document.querySelectorAll('link[href]')).find((link) =>
    (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('canonical'),
  );
  const base = meta['og:url'] ?? document.querySelector('base[href]')?.getAttribute('href') ?? undefined;
  const href = canonical?.getAttribute('href')?.trim() || meta['og:url'];
  if (!href) return undefined;
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function languageOf(value: string | null | undefined): string | undefined {
  const tag = value?.trim();
  return tag && LANGUAGE_TAG.test(tag) ? tag : undefined;
}

/**
 * The element's text with a paragraph break around every block element and a line break for `<br>`,
 * skipping scripts, styles and page furniture. An explicit stack, not recursion: a hostile page can nest
 * elements as deep as its megabyte allows.
 */
function textOf(root: DomElement | null): string {
  if (!root) return '';
  const out: string[] = [];
  const pending: (DomNode | string)[] = [root];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === 'string') out.push(next);
    else if (next.nodeType === TEXT_NODE) out.push(next.textContent ?? '');
    else if (next.nodeType === ELEMENT_NODE) {
      const name = next.nodeName.toLowerCase();
      if (SKIPPED.has(name)) continue;
      if (name === 'br') {
        out.push('\n');
        continue;
      }
      const block = BLOCK_ELEMENTS.has(name);
      if (block) {
        out.push('\n\n');
        pending.push('\n\n');
      }
      for (let i = next.childNodes.length - 1; i >= 0; i--) pending.push(next.childNodes[i] as DomNode);
    }
  }
  return splitParagraphs(out.join('')).join('\n\n');
}
