/**
 * Reads a warm function made recently, by key: bounded (least recently used out first) and short-lived, so
 * a value changed since is seen again within `ttlMs`. Holds the promise, so concurrent reads of one key
 * share one request; a failed read is not kept, and the next caller tries again.
 */
export function recentReads<T>(options: {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; read: Promise<T> }>();
  return {
    /** A fresh read of `key`, moved to the most recently used end; or nothing when it is absent or stale. */
    fresh(key: string): Promise<T> | undefined {
      const hit = entries.get(key);
      entries.delete(key);
      if (!hit || now() - hit.at >= options.ttlMs) return undefined;
      entries.set(key, hit);
      return hit.read;
    },
    remember(key: string, read: Promise<T>): Promise<T> {
      entries.set(key, { at: now(), read });
      read.catch(() => {
        if (entries.get(key)?.read === read) entries.delete(key);
      });
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return read;
    },
  };
}
