import { ValidationError } from '../errors';
import { canonicalIsoText, parseIsoDate, parseRfc822Date } from './dates';
import { childElements, localName, parseXmlDocument, type XmlElement } from './feed-xml';
import { htmlToText } from './html-text';
import { parseJsonArticle } from './json-article';
import { assertArticleCount } from './limits';
import type { ArticleInput } from './types';

/** One item of a feed: the article it holds, or why it cannot be stored. */
export type FeedEntry = { readonly article: ArticleInput } | { readonly error: ValidationError };

const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;

/**
 * Reads an RSS 2.0 (`<rss>`) or Atom (`<feed>`) document into one entry per item. A problem with the whole
 * document (not XML, a DTD, no items, more than a request may carry) is thrown; a problem with one item
 * (no text, an unreadable date, a link that is no http(s) URL) becomes that item's entry, so the others can
 * still be stored. Every text field is read as HTML and reduced to text, even where the feed calls it plain:
 * feeds mislabel their text often, and markup must never reach storage.
 */
export function parseFeed(xml: string): FeedEntry[] {
  if (xml.trim() === '') throw new ValidationError('empty_body', 'The request body is empty.');
  const root = parseXmlDocument(xml);
  const kind = localName(root);
  if (kind === 'rss') return readEntries(rssItems(root));
  if (kind === 'feed') return readEntries(atomEntries(root));
  throw new ValidationError(
    'unsupported_feed',
    `The XML's root element is <${root.name}>; send an RSS 2.0 (<rss>) or Atom (<feed>) document.`,
  );
}

interface Item {
  readonly element: XmlElement;
  readonly read: (element: XmlElement) => Record<string, string | undefined>;
}

function readEntries(items: readonly Item[]): FeedEntry[] {
  if (items.length === 0) throw new ValidationError('empty_feed', 'The feed has no items.');
  assertArticleCount(items.length, 'feed items');
  return items.map(({ element, read }) => {
    try {
      return { article: toArticle(read(element)) };
    } catch (error) {
      if (error instanceof ValidationError) return { error };
      throw error;
    }
  });
}

/** The JSON article's validation, so a feed item is held to the same bounds as a posted article. */
function toArticle(fields: Record<string, string | undefined>): ArticleInput {
  const { updatedAt, ...rest } = fields;
  if (!rest.text) {
    throw new ValidationError('empty_article', 'The item has no description, summary or content to store.');
  }
  const article = parseJsonArticle(rest);
  return updatedAt === undefined ? article : { ...article, updatedAt };
}

function rssItems(rss: XmlElement): Item[] {
  const channel = child(rss, 'channel');
  if (!channel) throw new ValidationError('invalid_feed', 'The RSS feed has no <channel>.');
  const channelTitle = textOf(child(channel, 'title'));
  const lang = languageOf(textOf(child(channel, 'language')));
  const read = (item: XmlElement) => ({
    title: textOf(child(item, 'title')),
    url: rssLink(item),
    text: textOf(child(item, 'content:encoded')) || textOf(child(item, 'description')),
    publishedAt: rssDate(item),
    source:
      textOf(child(item, 'source')) ||
      textOf(child(item, 'dc:creator')) ||
      authorName(textOf(child(item, 'author'))) ||
      channelTitle,
    lang,
  });
  return childElements(channel)
    .filter((element) => element.name === 'item')
    .map((element) => ({ element, read }));
}

function rssLink(item: XmlElement): string | undefined {
  const link = rawText(child(item, 'link')).trim();
  if (link !== '') return link;
  // A guid is the item's permalink unless it says otherwise.
  const guid = child(item, 'guid');
  const id = rawText(guid).trim();
  return guid?.attributes.isPermaLink !== 'false' && /^https?:\/\//i.test(id) ? id : undefined;
}

/** An RFC 822 date that ends at its time: no zone or offset after it. */
const ZONELESS_RFC_822 = /\d{1,2}:\d{2}(?::\d{2})?\s*$/;

function rssDate(item: XmlElement): string | undefined {
  const pubDate = rawText(child(item, 'pubDate')).trim();
  if (pubDate !== '') {
    const date = parseRfc822Date(pubDate);
    if (!date) {
      throw new ValidationError(
        'invalid_article',
        `Could not read <pubDate>${pubDate.slice(0, 60)}</pubDate>; expected RFC 822 such as "Wed, 02 Oct 2002 13:00:00 GMT".`,
      );
    }
    // A time without a zone stays wall-clock time, read later in the feed's or the source's zone.
    return ZONELESS_RFC_822.test(pubDate) ? date.toISOString().slice(0, -1) : date.toISOString();
  }
  return isoDate(item, 'dc:date');
}

/** RSS authors are `email (Name)`; the name is what a reader wants to see. */
function authorName(author: string | undefined): string | undefined {
  const named = author && /\(([^)]+)\)\s*$/.exec(author)?.[1];
  return named || (author?.includes('@') ? undefined : author);
}

function atomEntries(feed: XmlElement): Item[] {
  const feedTitle = textOf(atomChild(feed, 'title'));
  const feedLink = atomLink(feed, undefined);
  const lang = languageOf(feed.attributes['xml:lang']);
  const read = (entry: XmlElement) => {
    const published = isoDate(entry, 'published');
    const updated = isoDate(entry, 'updated');
    const content = atomChild(entry, 'content');
    return {
      title: textOf(atomChild(entry, 'title')),
      url: atomLink(entry, feedLink),
      // Content given by reference (`src`) is not fetched: the summary stands in for it.
      text:
        (content?.attributes.src === undefined ? textOf(content) : undefined) ||
        textOf(atomChild(entry, 'summary')),
      publishedAt: published ?? updated,
      updatedAt: published !== undefined && updated !== published ? updated : undefined,
      source:
        textOf(atomChild(atomChild(entry, 'source'), 'title')) ||
        textOf(atomChild(atomChild(entry, 'author'), 'name')) ||
        feedTitle,
      lang: languageOf(entry.attributes['xml:lang']) ?? lang,
    };
  };
  return childElements(feed)
    .filter((element) => localName(element) === 'entry')
    .map((element) => ({ element, read }));
}

/** The entry's page: the `alternate` link (the default relation), resolved against the feed's own. */
function atomLink(element: XmlElement, base: string | undefined): string | undefined {
  const links = childElements(element).filter((e) => localName(e) === 'link');
  const alternate = links.find((link) => (link.attributes.rel ?? 'alternate') === 'alternate');
  const href = alternate?.attributes.href?.trim();
  if (!href) return undefined;
  try {
    return new URL(href, element.attributes['xml:base'] ?? base).href;
  } catch {
    // Left for the article's validation to refuse with its own message.
    return href;
  }
}

function isoDate(element: XmlElement, name: string): string | undefined {
  const value = rawText(childElements(element).find((e) => e.name === name || localName(e) === name)).trim();
  if (value === '') return undefined;
  if (!parseIsoDate(value)) {
    throw new ValidationError(
      'invalid_article',
      `Could not read <${name}>${value.slice(0, 60)}</${name}>; expected ISO 8601 such as "2024-09-11T15:52:00Z".`,
    );
  }
  // As given: with its offset an instant, without one wall-clock time for the feed's or the source's zone.
  return canonicalIsoText(value, name);
}

function languageOf(value: string | undefined): string | undefined {
  const tag = value?.trim();
  return tag && LANGUAGE_TAG.test(tag) ? tag : undefined;
}

/** RSS names are matched exactly: `<link>` and `<atom:link>` mean different things in a channel. */
function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element && childElements(element).find((e) => e.name === name);
}

/** Atom's names are matched without a prefix, whichever the document binds its namespace to. */
function atomChild(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element && childElements(element).find((e) => localName(e) === name);
}

/** The element's text as written, nested elements' text included; for links, dates and ids. */
function rawText(element: XmlElement | undefined): string {
  if (!element) return '';
  return element.children.map((c) => (typeof c === 'string' ? c : rawText(c))).join('');
}

/** The element's content read as HTML and reduced to text; undefined when that leaves nothing. */
function textOf(element: XmlElement | undefined): string | undefined {
  const text = element && htmlToText(markupOf(element)).trim();
  return text || undefined;
}

/**
 * The element's content as HTML source: text children are that already (escaped or CDATA HTML); element
 * children (Atom's xhtml, or raw tags a feed left unescaped) are written back with their text re-escaped.
 */
function markupOf(element: XmlElement): string {
  return element.children
    .map((c) => (typeof c === 'string' ? c : `<${localName(c)}>${escapedMarkupOf(c)}</${localName(c)}>`))
    .join('');
}

function escapedMarkupOf(element: XmlElement): string {
  return element.children
    .map((c) =>
      typeof c === 'string'
        ? c.replace(/&/g, '&amp;').replace(/</g, '&lt;')
        : `<${localName(c)}>${escapedMarkupOf(c)}</${localName(c)}>`,
    )
    .join('');
}
