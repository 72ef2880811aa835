import { formatDate } from '../email/format';
import { html, type Markup } from '../http/html';
import type { ArchiveEntry } from '../ports';
import { archivePath } from '../use-cases/links';
import type { ArchiveDay } from '../use-cases/show-archive';
import { layout } from './layout';

const dayLabel = (day: string) => formatDate(new Date(`${day}T12:00:00Z`), 'en-GB', 'UTC');
const timeOf = (iso: string) => new Date(iso).toISOString().slice(11, 16);
export const archiveDayPath = (day: string) => `/archive?day=${day}`;

/** "Also reported by" and each other outlet's version, linked; nothing when there is none. */
export function alsoReportedBy(outlets: readonly Pick<ArchiveEntry, 'id' | 'title' | 'source'>[]) {
  if (outlets.length === 0) return '';
  return html`<p class="hint">Also reported by ${outlets.map(
    (outlet, i) =>
      html`${i > 0 ? ', ' : ''}<a href="${archivePath(outlet.id)}">${outlet.source ?? outlet.title}</a>`,
  )}</p>`;
}

/** One UTC day of stored stories, newest first, each linking to its archive copy; paged by day. */
export function archivePage(view: ArchiveDay): Markup {
  const count = view.stories.length;
  return layout(
    `Stories of ${dayLabel(view.day)}`,
    html`<h1>Stories of ${dayLabel(view.day)}</h1>
<p class="hint">${count === 0 ? 'No stories were published on this day.' : `${count}${view.more ? '+' : ''} ${count === 1 ? 'story' : 'stories'}, newest first; times in UTC.`}</p>
<ul>${view.stories.map(
      (story) =>
        html`<li><a href="${archivePath(story.id)}">${story.title}</a>
<span class="hint">${timeOf(story.publishedAt)}${story.source ? ` · ${story.source}` : ''}</span>${alsoReportedBy(story.alsoReportedBy)}</li>`,
    )}</ul>
${view.more ? html`<p class="hint">More stories were published this day than one page shows.</p>` : ''}
<nav><a href="${archiveDayPath(view.olderDay)}" rel="prev">Older: ${dayLabel(view.olderDay)}</a>${
      view.newerDay
        ? html` · <a href="${archiveDayPath(view.newerDay)}" rel="next">Newer: ${dayLabel(view.newerDay)}</a>`
        : ''
    }</nav>
<p><a href="/">Subscribe to topics</a></p>`,
  );
}
