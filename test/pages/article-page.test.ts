import { describe, expect, it } from 'vitest';
import { normaliseArticle } from '../../lib/articles';
import { articlePage } from '../../lib/pages/article-page';

describe('the article page', () => {
  it('shows markup, Mustache, ERB and MJML in a stored story as text', () => {
    const payload = '<script>alert(1)</script> {{unsubscribeUrl}} <% evil %> <mj-text>x</mj-text>';
    const article = normaliseArticle(
      { title: `Title ${payload}`, text: `Body ${payload}`, source: `<b>Wire</b>`, caption: payload },
      new Date('2026-11-27T10:00:00Z'),
    );
    const page = String(articlePage(article));
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
    const page = String(articlePage(article));
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
  });

  it('says when the time zone of the publication time was assumed, and only then', () => {
    const at = new Date('2024-09-12T09:00:00Z');
    const story = { title: 'Harbour reopens', text: 'The harbour reopened on Wednesday.', source: 'AFP' };
    const assumed = String(articlePage(normaliseArticle({ ...story, publishedAt: '2024-09-11T15:52' }, at)));
    expect(assumed).toContain('11 Sept 2024, 15:52 UTC</time> (time zone assumed UTC)');
    const zoned = normaliseArticle(
      { ...story, publishedAt: '2024-09-11T15:52', timezone: 'Europe/Paris' },
      at,
    );
    expect(String(articlePage(zoned))).toContain('11 Sept 2024, 13:52 UTC</time></p>');
  });
});
