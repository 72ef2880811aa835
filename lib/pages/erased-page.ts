import { html, type Markup } from '../http/html';
import { layout } from './layout';

export function erasedPage(): Markup {
  return layout(
    'Your data is erased',
    html`<h1>Your data is erased</h1>
<p>Everything Tidings stored about you is gone. We keep only a one-way fingerprint of your address, so that it is never emailed again.</p>
<p><a href="/">Tidings home</a></p>`,
  );
}
