import { describe, expect, it } from 'vitest';
import { withArticleCache } from '../../lib/adapters/cached-article-store';
import type { Article } from '../../lib/articles';
import type { ArticleReader } from '../../lib/ports';

function countingStore() {
  const reads: string[] = [];
  const batches: string[][] = [];
  const store: ArticleReader = {
    async get(id) {
      reads.push(id);
      return { id, title: `title ${reads.length}` } as unknown as Article;
    },
    async getMany(ids) {
      batches.push([...ids]);
      // 'gone' stands for an id with no article behind it.
      return new Map(
        ids
          .filter((id) => id !== 'gone')
          .map((id) => [id, { id, title: `batched ${id}` } as unknown as Article]),
      );
    },
  };
  return { store, reads, batches };
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

  it('reads a digest’s stories in one request, leaving out those it holds and those that do not exist', async () => {
    const { store, reads, batches } = countingStore();
    const cached = withArticleCache(store, { maxEntries: 10, ttlMs: 30_000, now: () => 0 });
    await cached.get('a');
    const found = await cached.getMany(['a', 'b', 'c', 'b', 'gone']);
    expect(batches).toEqual([['b', 'c', 'gone']]);
    expect([...found.keys()]).toEqual(['a', 'b', 'c']);
    expect(found.get('b')?.title).toBe('batched b');
    // What the batch read is held: a later single read or batch asks the store nothing.
    expect((await cached.get('c'))?.title).toBe('batched c');
    await cached.getMany(['a', 'b']);
    expect(batches).toHaveLength(1);
    expect(reads).toEqual(['a']);
  });
});
