import { html, Markup } from '../http/html';
import { HONEYPOT_FIELD } from '../subscriptions/subscription-request';
import { layout } from './layout';
import { previewForm } from './preview-page';
import { TIMEZONE_SCRIPT } from './scripts';

export function subscribePage(): Markup {
  return layout(
    'Subscribe',
    html`<h1>Get the news you care about</h1>
<p>Write each topic as a query, one per line: <code>Iran AND Iraq</code>, <code>"Qassem Soleimani"</code>,
<code>Gaza -football</code>.</p>
<form method="post" action="/subscriptions">
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" required autocomplete="email">
  <label for="topics">Topics</label>
  <textarea id="topics" name="topics" required placeholder="Iran AND Iraq"></textarea>
  <p class="hint">AND, OR, NOT (or -word), "exact phrases", word* and NEAR/5 are understood.</p>
  <label for="frequency">How often</label>
  <select id="frequency" name="frequency">
    <option value="instant">As it happens</option>
    <option value="daily">Daily digest</option>
    <option value="weekly">Weekly digest</option>
  </select>
  <input type="hidden" id="timezone" name="timezone" value="">
  <div class="trap" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Leave this field empty</label>
  <input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
  <button type="submit">Subscribe</button>
</form>
<script>${new Markup(TIMEZONE_SCRIPT)}</script>
<hr>
${previewForm()}`,
  );
}

export function checkEmailPage(): Markup {
  return layout(
    'Check your inbox',
    html`<h1>Check your inbox</h1>
<p>If that address can receive mail, a confirmation link is on its way. Your topics start once you confirm.</p>
<p><a href="/">Back to Tidings</a></p>`,
  );
}
