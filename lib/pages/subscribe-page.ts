import { html, Markup } from '../http/html';
import { DEFAULT_DIGEST_WEEKDAY } from '../subscriptions/model';
import { DEFAULT_DIGEST_HOUR, HONEYPOT_FIELD } from '../subscriptions/subscription-request';
import { DIGEST_HOURS, DIGEST_WEEKDAYS, hourLabel, weekdayLabel } from './digest-choices';
import { layout } from './layout';
import { previewForm } from './preview-page';
import { DIGEST_SENTENCE_SCRIPT, digestSentence, TIMEZONE_SCRIPT } from './scripts';

export type SubscribeField = 'email' | 'topics' | 'frequency' | 'timezone' | 'digestHour' | 'digestWeekday';

/** The field a subscription request's ValidationError is about, by its code; others concern the form. */
const fieldOfCode: Readonly<Record<string, SubscribeField>> = {
  invalid_email: 'email',
  invalid_topics: 'topics',
  invalid_query: 'topics',
  invalid_frequency: 'frequency',
  invalid_timezone: 'timezone',
  invalid_digest_hour: 'digestHour',
  invalid_digest_weekday: 'digestWeekday',
};

export const fieldOfError = (code: string): SubscribeField | undefined => fieldOfCode[code];

export interface SubscribeForm {
  /** The fields as the reader posted them, shown again so nothing they typed is lost. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Shown beside its field, or at the top of the form when it concerns no one field. */
  readonly error?: { readonly message: string; readonly field?: SubscribeField };
}

/** A posted field as text: a field sent several times (topics, one per line) is joined back into lines. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join('\n');
  return '';
}

const FREQUENCIES = [
  ['instant', 'As it happens'],
  ['daily', 'Daily digest'],
  ['weekly', 'Weekly digest'],
] as const;

export function subscribePage(form: SubscribeForm = {}): Markup {
  const values = form.values ?? {};
  const error = form.error;
  const hour = DIGEST_HOURS.find((h) => String(h) === text(values.digestHour)) ?? DEFAULT_DIGEST_HOUR;
  const weekday = DIGEST_WEEKDAYS.find((d) => d === text(values.digestWeekday)) ?? DEFAULT_DIGEST_WEEKDAY;
  const frequency = text(values.frequency);

  /** The error beside a field, and the attributes that tie its hint and error to it for screen readers. */
  const field = (name: SubscribeField, hintId?: string) => {
    const invalid = error?.field === name;
    const ids = [hintId ?? '', invalid ? `${name}-error` : ''].filter(Boolean).join(' ');
    return {
      attrs: new Markup(
        (ids ? ` aria-describedby="${ids}"` : '') + (invalid ? ' aria-invalid="true" autofocus' : ''),
      ),
      error: invalid ? html`<p class="field-error" id="${name}-error" role="alert">${error.message}</p>` : '',
    };
  };
  const email = field('email');
  const topics = field('topics', 'topics-hint');
  const often = field('frequency');
  // The sentence saying when digests arrive describes both of the fields it is made from.
  const digestHour = field('digestHour', 'digest-hint');
  const digestWeekday = field('digestWeekday', 'digest-hint');
  const timezone = field('timezone', 'timezone-hint');
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${new Markup(selected ? ' selected' : '')}>${label}</option>`;

  return layout(
    error ? 'Error: Subscribe' : 'Subscribe',
    html`<h1>Get the news you care about</h1>
<p>Write each topic as a query, one per line: <code>Iran AND Iraq</code>, <code>"Qassem Soleimani"</code>,
<code>Gaza -football</code>.</p>
<form method="post" action="/subscriptions">
  ${error && !error.field ? html`<p class="error" role="alert">${error.message}</p>` : ''}
  <label for="email">Email address</label>
  ${email.error}<input id="email" name="email" type="email" required autocomplete="email" value="${text(values.email)}"${email.attrs}>
  <label for="topics">Topics</label>
  ${topics.error}<textarea id="topics" name="topics" required placeholder="Iran AND Iraq"${topics.attrs}>${text(values.topics)}</textarea>
  <p class="hint" id="topics-hint">AND, OR, NOT (or -word), "exact phrases", word* and NEAR/5 are understood.</p>
  <label for="frequency">How often</label>
  ${often.error}<select id="frequency" name="frequency"${often.attrs}>
    ${FREQUENCIES.map(([value, label]) => option(value, label, value === frequency))}
  </select>
  <div class="row">
    <div><label for="digestHour">Digest time</label>
    ${digestHour.error}<select id="digestHour" name="digestHour"${digestHour.attrs}>
      ${DIGEST_HOURS.map((h) => option(String(h), hourLabel(h), h === hour))}
    </select></div>
    <div><label for="digestWeekday">Weekly digest day</label>
    ${digestWeekday.error}<select id="digestWeekday" name="digestWeekday"${digestWeekday.attrs}>
      ${DIGEST_WEEKDAYS.map((d) => option(d, weekdayLabel(d), d === weekday))}
    </select></div>
  </div>
  <p class="hint" id="digest-hint"><span id="digest-when" aria-live="polite">${digestSentence(hourLabel(hour), weekdayLabel(weekday))}</span> Instant alerts come as stories arrive.</p>
  <label for="timezone">Your time zone</label>
  ${timezone.error}<input id="timezone" name="timezone" autocomplete="off" placeholder="Europe/London" value="${text(values.timezone)}"${timezone.attrs}>
  <p class="hint" id="timezone-hint">Your browser fills this in; left empty, digests follow UTC.</p>
  <div class="trap" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Leave this field empty</label>
  <input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
  <button type="submit">Subscribe</button>
</form>
<script>${new Markup(TIMEZONE_SCRIPT)}</script>
<script>${new Markup(DIGEST_SENTENCE_SCRIPT)}</script>
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
