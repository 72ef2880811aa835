import type { Article } from '../articles';
import { html, type Markup } from '../http/html';
import { layout } from './layout';

/** The archive copy of a stored article: where alerts link when the article came with no URL. */
export function articlePage(article: Article): Markup {
  const byline = [article.source, new Date(article.publishedAt).toUTCString()].filter(Boolean).join(' · ');
  return layout(
    article.title,
    html`<article><h1>${article.title}</h1><p class="hint">${byline}</p>
${article.caption ? html`<p class="hint">Photo: ${article.caption}${article.credit ? ` (${article.credit})` : ''}</p>` : ''}
${article.paragraphs.map((p) => html`<p>${p}</p>`)}</article>`,
  );
}
