import { type ArticleInput, type FeedEntry, normaliseArticle, type SourceZones } from '../articles';
import { settleEach } from '../concurrency';
import { ValidationError } from '../errors';
import type { Clock, FetchedPage, PageFetcher, StoredVersions } from '../ports';

/** An item's text is a teaser, worth its page, below both: a line or two (the character bound is for scripts without spaces). */
export const TEASER_MAX_WORDS = 60;
export const TEASER_MAX_CHARS = 400;
/** Pages fetched for one feed in one poll at most, and at once: a feed of 100 teasers costs 5 rounds, not 100. */
export const MAX_PAGES_PER_FEED = 20;
export const PAGE_CONCURRENCY = 4;

interface ReadLinkedPagesDeps {
  pages: PageFetcher;
  /** Reads a fetched page into its article (decoded in its charset); throws `ValidationError` when it cannot. */
  readPage: (page: FetchedPage) => Promise<ArticleInput>;
  stored: StoredVersions;
  clock: Clock;
  /** The zones ingest reads offsetless times in, so an item's id and version are the ones it will store. */
  sourceZones: SourceZones;
  /** Time one page may take at most (its fetch and its reading): none is started closer than that to `until`. */
  pageBudgetMs: number;
  maxPages?: number;
  concurrency?: number;
  /** A page that was not used, and why: the item is stored as the feed gave it. */
  onPageSkipped?: (url: string, error: unknown) => void;
}

const wordsOf = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Whether the item's text is only a teaser: fewer than TEASER_MAX_WORDS words and TEASER_MAX_CHARS characters. */
export function isTeaser(text: string): boolean {
  return text.length < TEASER_MAX_CHARS && wordsOf(text) < TEASER_MAX_WORDS;
}

/**
 * Replaces the teaser of each feed item that links to its story by the story, read from the linked page.
 * 1. pick the items worth a page: a link, a teaser for text, and not stored in this version already (one
 *    batch read, so a re-poll of a stored feed fetches no page); the first `maxPages` of them
 * 2. fetch and read their pages, a few at once, none started once `until` is too near
 * 3. give each item its page's text, keeping the item's own title, link, dates, source and language (the page
 *    fills only those the item lacks): the link is the item's id and the dates its version, so the next
 *    poll finds it stored. A page's canonical URL is not taken: it would change the id between the check
 *    and the write, and let a page claim another article's id.
 * A page that cannot be fetched or read, has less text than the teaser, or makes an article ingest would
 * refuse leaves its item as the feed gave it; nothing here fails the feed.
 */
export function makeReadLinkedPages(deps: ReadLinkedPagesDeps) {
  const maxPages = deps.maxPages ?? MAX_PAGES_PER_FEED;
  const concurrency = deps.concurrency ?? PAGE_CONCURRENCY;

  return async function readLinkedPages(entries: readonly FeedEntry[], until: Date): Promise<FeedEntry[]> {
    const now = deps.clock.now();
    const candidates = entries.flatMap((entry, index) => {
      if (!('article' in entry)) return [];
      const { article } = entry;
      if (article.url === undefined || !isTeaser(article.text)) return [];
      try {
        const { id, updatedAt } = normaliseArticle(article, now, undefined, deps.sourceZones);
        return [{ index, input: article, url: article.url, id, updatedAt }];
      } catch (error) {
        // Ingest will reject the item with its reason; its page would not be asked for by a valid item.
        if (error instanceof ValidationError) return [];
        throw error;
      }
    });
    if (candidates.length === 0) return [...entries];
    const versions = await deps.stored.storedVersions([...new Set(candidates.map((c) => c.id))]);
    const wanted = candidates
      .filter((c) => {
        const version = versions.get(c.id);
        return version === undefined || (c.updatedAt !== undefined && c.updatedAt > version);
      })
      .slice(0, maxPages);

    const read = await settleEach(wanted, concurrency, async (candidate) => {
      if (deps.clock.now().getTime() + deps.pageBudgetMs > until.getTime()) return undefined;
      const page = await deps.readPage(await deps.pages.fetch(candidate.url));
      if (wordsOf(page.text) <= wordsOf(candidate.input.text)) {
        throw new ValidationError('page_shorter_than_item', 'The page has no more text than the feed item.');
      }
      const merged = withItemFields(page, candidate.input);
      // Held to ingest's rules now, so a page too long to store leaves the item storable as it was.
      normaliseArticle(merged, now, undefined, deps.sourceZones);
      return merged;
    });

    const out = [...entries];
    read.forEach((result, i) => {
      const { index, url } = wanted[i] as (typeof wanted)[number];
      if (result.status === 'rejected') deps.onPageSkipped?.(url, result.reason);
      else if (result.value !== undefined) out[index] = { article: result.value };
    });
    return out;
  };
}

/** The page's text and what the item lacks; the item's own fields win, its link always. */
function withItemFields(page: ArticleInput, item: ArticleInput): ArticleInput {
  const { url: _canonical, text, ...pageFields } = page;
  const itemFields = Object.fromEntries(
    Object.entries(item).filter(([key, value]) => key !== 'text' && value !== undefined),
  ) as Omit<ArticleInput, 'text'>;
  return { ...pageFields, ...itemFields, text };
}
