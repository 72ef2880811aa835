import { describe, expect, it } from 'vitest';
import { normaliseArticle, snippet } from '../../lib/articles';
import { agreement, labelledArticles, unclean } from '../fixtures/headlines/reader-checks';

const NOW = new Date('2026-12-02T09:00:00Z');
const articles = labelledArticles();

describe('derived headlines of the labelled wire set', () => {
  it('has at least 30 labelled articles', () => {
    expect(articles.length).toBeGreaterThanOrEqual(30);
  });

  it.each(articles.map((article) => [article.id, article] as const))('%s reads cleanly', (_id, article) => {
    const stored = normaliseArticle({ text: article.text }, NOW);
    const lead = stored.paragraphs[0] ?? '';
    expect(stored.titleDerived).toBe(true);
    expect(unclean(stored.title, lead)).toBeUndefined();
  });

  it.each(articles.map((article) => [article.id, article] as const))(
    '%s: the snippet does not repeat the headline',
    (_id, article) => {
      const stored = normaliseArticle({ text: article.text }, NOW);
      const shown = snippet(stored, 280);
      const said = stored.title.replace(/…$/, '');
      expect(shown.replace(/^…/, '').startsWith(said)).toBe(false);
      // Nor does it skip the lead: what it opens with is the lead's next words.
      expect(`${stored.paragraphs.join(' ')}`.includes(shown.replace(/^…/, '').replace(/…$/, ''))).toBe(true);
    },
  );

  it('reports how many headlines agree with the sub-editor’s', () => {
    const counts = { exact: 0, 'clause of label': 0, other: 0 };
    for (const article of articles) {
      const stored = normaliseArticle({ text: article.text }, NOW);
      counts[agreement(stored.title, article.headline)]++;
    }
    // A benchmark figure, not a pass mark: a sub-editor may keep or drop a phrase either way.
    console.info(
      `labelled headlines: ${counts.exact} exact, ${counts['clause of label']} a clause of the label, ${counts.other} other, of ${articles.length}`,
    );
    expect(counts.exact + counts['clause of label'] + counts.other).toBe(articles.length);
  });
});
