import { html, type Markup } from '../http/html';
import { layout } from './layout';

export function errorPage(message: string): Markup {
  return layout(
    'Something is not right',
    html`<h1>Something is not right</h1><p class="error" role="alert">${message}</p>
<p><a href="/">Go to Tidings to subscribe or preview a topic</a></p>`,
  );
}
