/**
 * The reading of a page a feed item links to, built as a lazy file of its own for the poll function
 * (`#linked-page`, beside `#html-dom`, which it imports): the page reader and the charset decoder would add
 * 7 KB to a bundle that needs them only when a teaser item is polled. Its errors are Tidings classes copied
 * into this file, so none leaves it: a page that cannot be read comes back as its reason, in words, and the
 * poller never has to tell this file's ValidationError from its own.
 */
import * as dom from '#html-dom';
import { ValidationError } from '../errors';
import { decodeBody } from '../http/decode-body';
import { parseHtmlPage } from './html-page';
import type { ArticleInput } from './types';

const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml']);

export type LinkedPage = { readonly article: ArticleInput } | { readonly unreadable: string };

/** An HTML page's article, decoded in the charset it declares and read as a posted page is. */
export function readLinkedPage(bytes: Uint8Array, contentType: string | undefined): LinkedPage {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!PAGE_TYPES.has(type))
    return { unreadable: `The link is ${type || 'of no stated type'}, not an HTML page.` };
  try {
    return { article: parseHtmlPage(decodeBody(bytes, contentType), dom) };
  } catch (error) {
    if (error instanceof ValidationError) return { unreadable: error.message };
    throw error;
  }
}
