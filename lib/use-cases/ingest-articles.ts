import {
  type Article,
  type ArticleInput,
  articleExpiry,
  declaredLanguage,
  type FeedEntry,
  type LanguageDetector,
  normaliseArticle,
  type SourceZones,
} from '../articles';
import { isSameStory } from '../articles/near-duplicate';
import { withinStoryWindow } from '../articles/story-window';
import { settleEach } from '../concurrency';
import { ValidationError } from '../errors';
import type { ArticleWriter, Clock, StoryFinder } from '../ports';

export type IngestResult =
  | {
      readonly id: string;
      /** 'updated': a newer version of a stored article replaced its text; its readers are not alerted again. */
      readonly status: 'stored' | 'duplicate' | 'updated';
      /** The story it belongs to, when that is an earlier article's (another outlet's version). */
      readonly storyId?: string;
    }
  /** A feed item that could not be stored; `item` counts from 1 in document order. */
  | { readonly item: number; readonly status: 'rejected'; readonly error: { code: string; message: string } };

const STORE_CONCURRENCY = 10;

interface IngestDeps {
  articles: ArticleWriter;
  stories: StoryFinder;
  clock: Clock;
  /** Loaded only for a request with an article of undeclared language: the models are costly to load. */
  languageDetector: () => Promise<LanguageDetector>;
  /** The zone each source writes offsetless times in (`TIDINGS_SOURCE_TIMEZONES`). */
  sourceZones: SourceZones;
  /** Days a story is kept after publication (`TIDINGS_ARTICLE_RETENTION_DAYS`; see `articleExpiry`). */
  retentionDays: number;
}

/**
 * 1. normalise and fingerprint each article (all of them first, so bad input writes nothing), detecting
 *    the language of those the sender gave none and reading offsetless times in their zone
 * 2. store each new one in the story it is a version of, to expire after the retention period, or update a
 *    stored one in place (see `storeEach`)
 * Matching happens downstream, on the table's stream.
 */
export function makeIngestArticles(deps: IngestDeps) {
  return async function ingestArticles(inputs: readonly ArticleInput[]): Promise<IngestResult[]> {
    const now = deps.clock.now();
    const detect = await detectorFor(deps, inputs);
    return storeEach(
      deps,
      inputs.map((input) => normaliseArticle(input, now, detect, deps.sourceZones)),
    );
  };
}

/**
 * A feed is a publisher's whole list, so one broken item must not hold back the rest:
 * 1. normalise each readable item; an item that cannot be read or normalised becomes its own rejection
 * 2. store each normalised one unless the same story is already stored (so re-posting a feed adds nothing)
 * A feed none of whose items can be stored is refused whole, as bad input, naming the first reasons.
 */
export function makeIngestFeed(deps: IngestDeps) {
  return async function ingestFeed(entries: readonly FeedEntry[]): Promise<IngestResult[]> {
    const now = deps.clock.now();
    const inputs = entries.flatMap((entry) => ('article' in entry ? [entry.article] : []));
    const detect = await detectorFor(deps, inputs);
    const read = entries.map((entry): Article | ValidationError => {
      if ('error' in entry) return entry.error;
      try {
        return normaliseArticle(entry.article, now, detect, deps.sourceZones);
      } catch (error) {
        if (error instanceof ValidationError) return error;
        throw error;
      }
    });
    const rejections = read.flatMap((r, i) => (r instanceof ValidationError ? [rejection(r, i + 1)] : []));
    if (rejections.length === entries.length) {
      const reasons = rejections.slice(0, 3).map((r) => r.error.message);
      throw new ValidationError(
        'no_valid_items',
        `None of the feed's ${entries.length} items can be stored. ${reasons.join(' ')}${rejections.length > 3 ? ' …' : ''}`,
      );
    }
    const stored = await storeEach(
      deps,
      read.filter((r): r is Article => !(r instanceof ValidationError)),
    );
    // Back into document order: each item's own result where it stood in the feed.
    let nextStored = 0;
    let nextRejected = 0;
    return read.map((r) =>
      r instanceof ValidationError
        ? (rejections[nextRejected++] as IngestResult)
        : (stored[nextStored++] as IngestResult),
    );
  };
}

async function detectorFor(deps: IngestDeps, inputs: readonly ArticleInput[]) {
  return inputs.some((input) => declaredLanguage(input) === undefined)
    ? await deps.languageDetector()
    : undefined;
}

/**
 * 1. read which of the articles are stored already, and in which version (one batch read)
 * 2. a stored one: update it in place when this version is newer, else report a duplicate
 * 3. a new one: find the story it is a version of among those published near it (another outlet's copy of
 *    the same wire story), else among the earlier new ones of this request, else it starts its own; store it
 * Up to ten at a time: a request of 100 articles written one after another can outlast the function's
 * timeout on a slow table. A story given twice in one request is written once, its second copy reported a
 * duplicate without a write, so which copy is "stored" does not depend on which write lands first. Every
 * write is conditional, so a request racing another (or re-sent after a failure) stores nothing twice; any
 * failed write fails the request.
 */
async function storeEach(deps: IngestDeps, articles: readonly Article[]): Promise<IngestResult[]> {
  const firstIndex = new Map<string, number>();
  articles.forEach((article, i) => {
    if (!firstIndex.has(article.id)) firstIndex.set(article.id, i);
  });
  const isFirst = (article: Article, i: number) => firstIndex.get(article.id) === i;
  const stored = await deps.articles.storedVersions([...firstIndex.keys()]);
  const isNew = (article: Article, i: number) => isFirst(article, i) && !stored.has(article.id);

  const found = await settleEach(articles, STORE_CONCURRENCY, async (article, i) =>
    isNew(article, i) ? deps.stories.findStory(article) : undefined,
  );
  const placed = found.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
  // In document order, so a version is placed after the one it follows in the same request.
  articles.forEach((article, i) => {
    if (!isNew(article, i) || placed[i] !== undefined) return;
    const earlier = articles.findIndex(
      (other, j) =>
        j < i &&
        isNew(other, j) &&
        withinStoryWindow(other.publishedAt, article.publishedAt) &&
        isSameStory(other.signature, article.signature),
    );
    if (earlier !== -1) placed[i] = placed[earlier] ?? (articles[earlier] as Article).id;
  });

  const now = deps.clock.now();
  const settled = await settleEach(articles, STORE_CONCURRENCY, async (article, i) => {
    if (!isFirst(article, i)) return 'duplicate' as const;
    const version = stored.get(article.id);
    if (version !== undefined) {
      const newer = article.updatedAt !== undefined && article.updatedAt > version;
      return newer ? deps.articles.reviseIfNewer(article, now) : ('duplicate' as const);
    }
    const storyId = placed[i];
    return deps.articles.putIfAbsent(
      storyId === undefined ? article : { ...article, storyId },
      articleExpiry(article, deps.retentionDays),
    );
  });
  return settled.map((result, i) => {
    if (result.status === 'rejected') throw result.reason;
    const storyId = placed[i];
    return {
      id: (articles[i] as Article).id,
      status: result.value,
      ...(storyId !== undefined && result.value === 'stored' && { storyId }),
    };
  });
}

function rejection(error: ValidationError, item: number) {
  return {
    item,
    status: 'rejected',
    error: { code: error.code, message: `Item ${item}: ${error.message}` },
  } as const;
}
