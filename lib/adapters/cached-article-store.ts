import type { Article } from '../articles';
import type { ArticleReader, StoryReader } from '../ports';
import { recentReads } from './recent-reads';

interface CacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly now?: () => number;
}

/**
 * An article reader that keeps the articles a warm function read recently: one alert goes to thousands of
 * subscribers, and without it every message would read the same article again (see `recentReads`).
 */
export function withArticleCache(store: ArticleReader, options: CacheOptions): ArticleReader {
  type Read = ReturnType<ArticleReader['get']>;
  const { fresh, remember } = recentReads<Awaited<Read>>(options);
  return {
    get: (id) => fresh(id) ?? remember(id, store.get(id)),
    /** The ids not held read in one request to the store; each is then held like a single read. */
    async getMany(ids) {
      const reads = new Map<string, Read>();
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        const held = fresh(id);
        if (held) reads.set(id, held);
        else missing.push(id);
      }
      if (missing.length > 0) {
        const batch = store.getMany(missing);
        for (const id of missing)
          reads.set(
            id,
            remember(
              id,
              batch.then((found) => found.get(id)),
            ),
          );
      }
      const found = new Map<string, Article>();
      for (const [id, read] of reads) {
        const article = await read;
        if (article) found.set(id, article);
      }
      return found;
    },
  };
}

/** A story reader that keeps the outlets of the stories a warm function read recently, like the articles. */
export function withStoryCache(store: StoryReader, options: CacheOptions): StoryReader {
  const { fresh, remember } = recentReads<Awaited<ReturnType<StoryReader['outletsOf']>>>(options);
  return {
    outletsOf: (storyId, limit) => {
      const key = `${limit} ${storyId}`;
      return fresh(key) ?? remember(key, store.outletsOf(storyId, limit));
    },
  };
}
