import { formatDateTime } from '../email/format';
import { html, type Markup } from '../http/html';
import type { ArticleView } from '../use-cases/show-article';
import { alsoReportedBy, archiveDayPath } from './archive-page';
import { layout } from './layout';

/** "11 Sept 2024, 15:52 UTC": how a reader writes a time, not an HTTP date. */
const readable = (iso: string) => formatDateTime(new Date(iso), 'en-GB', 'UTC');

/**
 * The archive copy of a stored article: the "view in browser" page, and where alerts link without a URL;
 * it names the other outlets that reported the same story.
 */
export function articlePage({ article, alsoReportedBy: outlets }: ArticleView): Markup {
  const updated =
    article.updatedAt && article.updatedAt !== article.publishedAt ? article.updatedAt : undefined;
  return layout(
    article.title,
    html`<article><h1>${article.title}</h1>
<p class="hint">${article.source ? html`${article.source} · ` : ''}Published <time datetime="${article.publishedAt}">${readable(article.publishedAt)}</time>${
      // The copy named no zone and none was configured for its source: the reader should know the time may be off.
      article.publishedZoneSource === 'assumed-utc' ? ' (time zone assumed UTC)' : ''
    }${updated ? html` · Updated <time datetime="${updated}">${readable(updated)}</time>` : ''}</p>
${article.caption ? html`<p class="hint">Photo: ${article.caption}${article.credit ? ` (${article.credit})` : ''}</p>` : ''}
${article.paragraphs.map((p) => html`<p>${p}</p>`)}
${article.url ? html`<p><a href="${article.url}" rel="noopener">Read it at its source</a></p>` : ''}
${alsoReportedBy(outlets)}</article>
<p><a href="${archiveDayPath(article.publishedAt.slice(0, 10))}">More stories of that day</a> · <a href="/">Subscribe to topics</a></p>`,
  );
}
