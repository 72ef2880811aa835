import type { Article } from '../articles';
import type { ArticleReader } from '../ports';

/**
 * An article reader that keeps the articles a warm function read recently: one alert goes to thousands of
 * subscribers, and without it every message would read the same article again. Bounded (least recently
 * used out first) and short-lived, so an article changed after ingest is seen again within `ttlMs`.
 * Concurrent reads of one id share one request.
 */
export function withArticleCache(
  store: ArticleReader,
  options: { readonly maxEntries: number; readonly ttlMs: number; readonly now?: () => number },
): ArticleReader {
  const now = options.now ?? Date.now;
  type Read = ReturnType<ArticleReader['get']>;
  const entries = new Map<string, { at: number; article: Read }>();
  /** A fresh read of `id`, moved to the most recently used end; or nothing when it is absent or stale. */
  const fresh = (id: string): Read | undefined => {
    const hit = entries.get(id);
    entries.delete(id);
    if (!hit || now() - hit.at >= options.ttlMs) return undefined;
    entries.set(id, hit);
    return hit.article;
  };
  const remember = (id: string, article: Read): Read => {
    entries.set(id, { at: now(), article });
    // A failed read is not kept: the next caller tries again.
    article.catch(() => {
      if (entries.get(id)?.article === article) entries.delete(id);
    });
    while (entries.size > options.maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
    return article;
  };
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
