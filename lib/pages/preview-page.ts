import { html, type Markup } from '../http/html';
import { archivePath } from '../use-cases/links';
import { PREVIEW_DAYS, type TopicPreview } from '../use-cases/preview-topic';
import { layout } from './layout';

export function previewForm(topic = ''): Markup {
  return html`<form method="get" action="/preview">
  <label for="preview-topic">Try a topic against the last ${PREVIEW_DAYS} days of news</label>
  <input id="preview-topic" name="topic" value="${topic}" required placeholder="Gaza -football">
  <button type="submit">Preview matches</button>
</form>`;
}

export function previewPage(preview: TopicPreview): Markup {
  const count = preview.matches.length;
  return layout(
    'Topic preview',
    html`<h1>${count === 0 ? 'Nothing yet' : `${count} ${count === 1 ? 'story' : 'stories'} would have reached you`}</h1>
<p class="hint">Your topic <code>${preview.topic}</code>, tried against ${preview.searched} stories from the last ${PREVIEW_DAYS} days.</p>
<ul>${preview.matches.map(
      ({ article, terms }) =>
        html`<li><a href="${article.url ?? archivePath(article.id)}">${article.title}</a>
<span class="hint">matched ${terms.join(', ')}</span></li>`,
    )}</ul>
${previewForm(preview.topic)}
<p><a href="/">Subscribe</a></p>`,
  );
}
