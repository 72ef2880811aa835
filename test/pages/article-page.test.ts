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
