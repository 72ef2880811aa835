import { describe, expect, it } from 'vitest';
import { type Article, normaliseArticle } from '../../lib/articles';
import { articlePage } from '../../lib/pages/article-page';

describe('the article page', () => {
  it('shows markup, Mustache, ERB and MJML in a stored story as text', () => {
    const payload = '<script>alert(1)</script> {{unsubscribeUrl}} <% evil %> <mj-text>x</mj-text>';
    const article = normaliseArticle(
      { title: `Title ${payload}`, text: `Body ${payload}`, source: `<b>Wire</b>`, caption: payload },
      new Date('2026-11-27T10:00:00Z'),
    );
    const page = String(articlePage({ article, alsoReportedBy: [] }));
    expect(page).not.toMatch(/<script>alert|<mj-text|<% evil|<b>Wire/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; {{unsubscribeUrl}} &lt;% evil %&gt;');
  });
});

describe('the article page a reader opens from an email', () => {
  it('gives its times as a reader writes them, its source, and ways to the archive and to subscribe', () => {
    const article = normaliseArticle(
      {
        title: 'Harbour reopens',
        text: 'The harbour reopened on Wednesday.',
        source: 'AFP',
        url: 'https://news.example/harbour',
        publishedAt: '2024-09-11T15:52:00Z',
        updatedAt: '2024-09-12T08:05:00Z',
      },
      new Date('2024-09-12T09:00:00Z'),
    );
    const page = String(articlePage({ article, alsoReportedBy: [] }));
    expect(page).toContain(
      'AFP · Published <time datetime="2024-09-11T15:52:00.000Z">11 Sept 2024, 15:52 UTC</time>',
    );
    expect(page).toContain(
      'Updated <time datetime="2024-09-12T08:05:00.000Z">12 Sept 2024, 08:05 UTC</time>',
    );
    expect(page).not.toContain('GMT');
    expect(page).toContain('href="https://news.example/harbour"');
    expect(page).toContain('href="/archive?day=2024-09-11"');
    expect(page).toContain('href="/"');
    expect(page).not.toContain('Also reported by');
  });

  it('names the other outlets of its story, each linking to its own copy, as text', () => {
    const article = normaliseArticle({ title: 'Harbour reopens', text: 'It reopened.' }, new Date());
    const page = String(
      articlePage({
        article,
        alsoReportedBy: [
          { id: 'b1', title: 'Port open again', publishedAt: '2024-09-11T16:00:00Z', source: 'Reuters' },
          { id: 'c2', title: '<i>Harbour</i> back', publishedAt: '2024-09-11T17:00:00Z' },
        ],
      }),
    );
    expect(page).toContain(
      'Also reported by <a href="/articles/b1">Reuters</a>, <a href="/articles/c2">&lt;i&gt;Harbour&lt;/i&gt; back</a>',
    );
  });

  it('says when the time zone of the publication time was assumed, and only then', () => {
    const at = new Date('2024-09-12T09:00:00Z');
    const story = { title: 'Harbour reopens', text: 'The harbour reopened on Wednesday.', source: 'AFP' };
    const view = (article: Article) => String(articlePage({ article, alsoReportedBy: [] }));
    const assumed = view(normaliseArticle({ ...story, publishedAt: '2024-09-11T15:52' }, at));
    expect(assumed).toContain('11 Sept 2024, 15:52 UTC</time> (time zone assumed UTC)');
    const zoned = normaliseArticle(
      { ...story, publishedAt: '2024-09-11T15:52', timezone: 'Europe/Paris' },
      at,
    );
    expect(view(zoned)).toContain('11 Sept 2024, 13:52 UTC</time></p>');
  });
});
