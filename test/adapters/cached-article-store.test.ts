import { describe, expect, it } from 'vitest';
import { withArticleCache } from '../../lib/adapters/cached-article-store';
import type { Article } from '../../lib/articles';
import type { ArticleStore } from '../../lib/ports';

function countingStore() {
  const reads: string[] = [];
  const store: ArticleStore = {
    async get(id) {
      reads.push(id);
      return { id, title: `title ${reads.length}` } as unknown as Article;
    },
    putIfAbsent: async () => 'stored',
    listPublishedSince: async () => [],
    checkReachable: async () => {},
  };
  return { store, reads };
}

describe('the warm function’s article cache', () => {
  it('reads an article once for many concurrent messages, and again once its time is up', async () => {
    const { store, reads } = countingStore();
    let now = 0;
    const cached = withArticleCache(store, { maxEntries: 10, ttlMs: 30_000, now: () => now });
    await Promise.all(Array.from({ length: 50 }, () => cached.get('a1')));
    expect(reads).toEqual(['a1']);
    now = 30_000;
    expect((await cached.get('a1'))?.title).toBe('title 2');
    expect(reads).toEqual(['a1', 'a1']);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const { store, reads } = countingStore();
    const cached = withArticleCache(store, { maxEntries: 2, ttlMs: 30_000, now: () => 0 });
    await cached.get('a');
    await cached.get('b');
    await cached.get('a');
    await cached.get('c'); // drops b, the least recently used
    await cached.get('a');
    await cached.get('b');
    expect(reads).toEqual(['a', 'b', 'c', 'b']);
  });
});
