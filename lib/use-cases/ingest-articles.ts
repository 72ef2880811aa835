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
import { settleEach } from '../concurrency';
import { ValidationError } from '../errors';
import type { ArticleStore, Clock } from '../ports';

export type IngestResult =
  | { readonly id: string; readonly status: 'stored' | 'duplicate' }
  /** A feed item that could not be stored; `item` counts from 1 in document order. */
  | { readonly item: number; readonly status: 'rejected'; readonly error: { code: string; message: string } };

const STORE_CONCURRENCY = 10;

interface IngestDeps {
  articles: ArticleStore;
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
 * 2. store each one unless the same story is already stored, to expire after the retention period
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
 * Up to ten writes at once: a request of 100 articles written one after another can outlast the function's
 * timeout on a slow table. A story given twice in one request is written once, its second copy reported a
 * duplicate without a write, so which copy is "stored" does not depend on which write lands first. Any
 * failed write fails the request; re-sending it is safe, since stored stories come back as duplicates.
 */
async function storeEach(deps: IngestDeps, articles: readonly Article[]): Promise<IngestResult[]> {
  const firstIndex = new Map<string, number>();
  articles.forEach((article, i) => {
    if (!firstIndex.has(article.id)) firstIndex.set(article.id, i);
  });
  const settled = await settleEach(articles, STORE_CONCURRENCY, async (article, i) =>
    firstIndex.get(article.id) === i
      ? deps.articles.putIfAbsent(article, articleExpiry(article, deps.retentionDays))
      : ('duplicate' as const),
  );
  return settled.map((result, i) => {
    if (result.status === 'rejected') throw result.reason;
    return { id: (articles[i] as Article).id, status: result.value };
  });
}

function rejection(error: ValidationError, item: number) {
  return {
    item,
    status: 'rejected',
    error: { code: error.code, message: `Item ${item}: ${error.message}` },
  } as const;
}
