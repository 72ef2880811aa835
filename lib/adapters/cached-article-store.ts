import type { ArticleStore } from '../ports';

/**
 * An ArticleStore that keeps the articles a warm function read recently: one alert goes to thousands of
 * subscribers, and without it every message would read the same article again. Bounded (least recently
 * used out first) and short-lived, so an article changed after ingest is seen again within `ttlMs`.
 * Concurrent reads of one id share one request. Only `get` is cached; the rest passes through.
 */
export function withArticleCache(
  store: ArticleStore,
  options: { readonly maxEntries: number; readonly ttlMs: number; readonly now?: () => number },
): ArticleStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; article: ReturnType<ArticleStore['get']> }>();
  return {
    putIfAbsent: (article) => store.putIfAbsent(article),
    listPublishedSince: (since, until, limit) => store.listPublishedSince(since, until, limit),
    checkReachable: () => store.checkReachable(),
    get(id) {
      const hit = entries.get(id);
      entries.delete(id);
      if (hit && now() - hit.at < options.ttlMs) {
        entries.set(id, hit); // most recently used goes last
        return hit.article;
      }
      const article = store.get(id);
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
    },
  };
}
