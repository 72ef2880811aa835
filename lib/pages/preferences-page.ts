import { formatDateTime } from '../email/format';
import { html, type Markup } from '../http/html';
import { FREQUENCIES, type Frequency, type Topic } from '../subscriptions/model';
import { type FieldErrors, PAUSE_DAYS, topicField } from '../subscriptions/preference-form';
import { DEFAULT_DIGEST_HOUR } from '../subscriptions/subscription-request';
import { archivePath } from '../use-cases/links';
import type { PreferencesView } from '../use-cases/manage-preferences';
import { PREVIEW_DAYS } from '../use-cases/preview-topics';
import { DIGEST_HOURS, DIGEST_WEEKDAYS, hourLabel, weekdayLabel } from './digest-choices';
import { layout } from './layout';

const FREQUENCY_LABELS: Record<Frequency, string> = {
  instant: 'As it happens',
  daily: 'Daily digest',
  weekly: 'Weekly digest',
};

/** What the redirect after a saved change says at the top of the page. */
const NOTICES: Record<string, string> = {
  topics: 'Your topics are saved.',
  settings: 'Your digest times are saved.',
  pause: 'Your mail is paused.',
  resume: 'Your mail is back on.',
  revoke:
    'Every link in your earlier emails has stopped working. This page has a new link: bookmark it, or use the ones in your next email.',
  muted: 'That topic is muted: it sends you nothing more.',
};

export interface PreferencesPageInput {
  readonly view: PreferencesView;
  /** The preference link's token, for this page's own forms. */
  readonly token: string;
  /** A fresh unsubscribe token for the "unsubscribe from everything" form. */
  readonly unsubscribeToken: string;
  /** The change just saved (after the redirect), shown as a notice. */
  readonly done?: string;
  /** A post that was refused: the fields at fault and everything the person had typed. */
  readonly errors?: FieldErrors;
  readonly values?: Readonly<Record<string, unknown>>;
}

/** An input's error, tied to it by `aria-describedby` so screen readers read it with the field. */
function fieldError(errors: FieldErrors, name: string, id: string): Markup {
  const message = errors[name];
  return message ? html`<p class="field-error" id="${id}-error">${message}</p>` : html``;
}

function describedBy(errors: FieldErrors, name: string, id: string, hint?: string): Markup {
  const ids = [hint, errors[name] ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"${errors[name] ? html` aria-invalid="true"` : html``}` : html``;
}

function options<T extends string | number>(
  choices: readonly T[],
  selected: unknown,
  label: (choice: T) => string,
): Markup[] {
  return choices.map(
    (choice) =>
      html`<option value="${choice}"${String(choice) === String(selected) ? html` selected` : html``}>${label(choice)}</option>`,
  );
}

function topicRow(
  topic: Topic | undefined,
  index: number,
  input: PreferencesPageInput,
  posted: Readonly<Record<string, unknown>> | undefined,
): Markup {
  const id = topic?.id ?? topicField.newId;
  const errors = input.errors ?? {};
  const value = (name: string, fallback: unknown) => (posted ? posted[name] : fallback);
  const queryName = topicField.query(id);
  const frequencyName = topicField.frequency(id);
  const domId = `topic-${id}`;
  const matches = topic ? (input.view.preview.matches.get(topic.id) ?? []) : [];
  const preview = topic
    ? html`<p class="hint" id="${domId}-preview">Matched ${matches.length} of the ${input.view.preview.searched} stories of the last ${PREVIEW_DAYS} days.</p>
${
  matches.length > 0
    ? html`<ul class="matches">${matches
        .slice(0, 3)
        .map(
          ({ article }) =>
            html`<li><a href="${article.url ?? archivePath(article.id)}">${article.title}</a></li>`,
        )}</ul>`
    : html``
}`
    : html``;
  return html`<fieldset>
<legend>${topic ? `Topic ${index + 1}` : 'Add a topic'}</legend>
<label for="${domId}">Query</label>
<input id="${domId}" name="${queryName}" value="${value(queryName, topic?.query ?? '')}" maxlength="500"${describedBy(errors, queryName, domId, topic ? `${domId}-preview` : 'query-hint')}>
${fieldError(errors, queryName, domId)}
<label for="${domId}-frequency">How often</label>
<select id="${domId}-frequency" name="${frequencyName}"${describedBy(errors, frequencyName, `${domId}-frequency`)}>${options(
    FREQUENCIES,
    value(frequencyName, topic?.frequency ?? 'instant'),
    (f) => FREQUENCY_LABELS[f],
  )}</select>
${fieldError(errors, frequencyName, `${domId}-frequency`)}
${
  topic
    ? html`<label class="inline"><input type="checkbox" name="${topicField.remove(id)}"${posted?.[topicField.remove(id)] !== undefined ? html` checked` : html``}> Remove this topic</label>`
    : html`<p class="hint" id="query-hint">AND, OR, NOT (or -word), "exact phrases", word* and NEAR/5 are understood.</p>`
}
${preview}
</fieldset>`;
}

/** The data-rights part of the page: what someone who has left can still do. */
function dataRights(token: string): Markup {
  return html`<h2>Your data</h2>
<p><a href="/preferences/export?token=${token}">Download everything Tidings stores about you</a> (JSON).</p>
<form method="post" action="/preferences/erase?token=${token}">
<label class="inline"><input type="checkbox" name="confirm" value="yes" required aria-describedby="erase-hint"> Yes, erase everything</label>
<p class="hint" id="erase-hint">Deletes your subscription, topics, consent record and send log. We keep only a one-way fingerprint of your address so we never email it again.</p>
<button type="submit">Erase my data</button>
</form>`;
}

export function preferencesPage(input: PreferencesPageInput): Markup {
  if (input.view.subscriber.status !== 'active') {
    return layout(
      'Your Tidings',
      html`<h1>You are not subscribed</h1>
<p>Tidings sends nothing to <strong>${input.view.subscriber.email}</strong>.</p>
<p><a href="/">Subscribe again</a></p>
${dataRights(input.token)}`,
    );
  }
  const { subscriber, topics } = input.view;
  const errors = input.errors ?? {};
  const posted = input.values;
  const action = `/preferences?token=${input.token}`;
  const postedIf = (kind: string) => (posted?.action === kind ? posted : undefined);
  const topicValues = postedIf('topics');
  const settingsValues = postedIf('settings');
  const setting = (name: string, fallback: unknown) => (settingsValues ? settingsValues[name] : fallback);
  const hour = Number(setting('digestHour', subscriber.digestHour ?? DEFAULT_DIGEST_HOUR));
  const weekday = String(setting('digestWeekday', subscriber.digestWeekday ?? 'monday'));
  const paused = subscriber.pausedUntil && subscriber.pausedUntil > new Date().toISOString();
  const notice = input.done ? NOTICES[input.done] : undefined;
  return layout(
    'Your topics',
    html`<h1>Your Tidings</h1>
<p>Mail goes to <strong>${subscriber.email}</strong>.</p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : html``}
${Object.keys(errors).length > 0 ? html`<p class="error" role="alert">Nothing was saved: please correct the fields marked below.</p>` : html``}
${
  paused
    ? html`<form method="post" action="${action}"><p class="notice">Mail is paused until ${formatDateTime(new Date(subscriber.pausedUntil ?? ''), 'en-GB', subscriber.timezone)}.</p>
<input type="hidden" name="action" value="resume"><button type="submit">Resume mail now</button></form>`
    : html``
}
<h2>Topics</h2>
<form method="post" action="${action}">
<input type="hidden" name="action" value="topics">
${topics.map((topic, index) => topicRow(topic, index, input, topicValues))}
${topicRow(undefined, topics.length, input, topicValues)}
<button type="submit">Save topics</button>
</form>
<h2>When digests arrive</h2>
<form method="post" action="${action}">
<input type="hidden" name="action" value="settings">
<label for="timezone">Time zone</label>
<input id="timezone" name="timezone" value="${setting('timezone', subscriber.timezone)}"${describedBy(errors, 'timezone', 'timezone', 'timezone-hint')}>
<p class="hint" id="timezone-hint">An IANA name such as Europe/London or Asia/Tokyo.</p>
${fieldError(errors, 'timezone', 'timezone')}
<label for="digestHour">Digest hour</label>
<select id="digestHour" name="digestHour"${describedBy(errors, 'digestHour', 'digestHour')}>${options(
      DIGEST_HOURS,
      hour,
      hourLabel,
    )}</select>
${fieldError(errors, 'digestHour', 'digestHour')}
<label for="digestWeekday">Weekly digests on</label>
<select id="digestWeekday" name="digestWeekday"${describedBy(errors, 'digestWeekday', 'digestWeekday')}>${options(
      DIGEST_WEEKDAYS,
      weekday,
      weekdayLabel,
    )}</select>
${fieldError(errors, 'digestWeekday', 'digestWeekday')}
<p class="hint">Daily digests arrive at ${hourLabel(subscriber.digestHour)} ${subscriber.timezone}; weekly ones on ${weekdayLabel(subscriber.digestWeekday ?? 'monday')}s.</p>
<button type="submit">Save digest times</button>
</form>
<h2>Pause</h2>
<form method="post" action="${action}">
<input type="hidden" name="action" value="pause">
<label for="days">Pause every alert and digest for</label>
<select id="days" name="days"${describedBy(errors, 'days', 'days')}>${options(PAUSE_DAYS, postedIf('pause')?.days ?? 7, (d) => `${d} day${d === 1 ? '' : 's'}`)}</select>
${fieldError(errors, 'days', 'days')}
<button type="submit">Pause mail</button>
</form>
<h2>Your links</h2>
<form method="post" action="${action}">
<input type="hidden" name="action" value="revoke">
<p class="hint" id="revoke-hint">If someone else has one of your emails, this stops every link in it (and in all your earlier emails) from working.</p>
<button type="submit" aria-describedby="revoke-hint">Revoke all my links</button>
</form>
${dataRights(input.token)}
<h2>Leave</h2>
<form method="post" action="/unsubscribe?token=${input.unsubscribeToken}">
<button type="submit">Unsubscribe from everything</button>
</form>
<p><a href="/">Tidings home</a></p>`,
  );
}

/** GET behind a mute link: mail scanners follow links, so only the button's POST mutes. */
export function mutePage(topic: Topic | undefined, token: string, preferencesUrl: string): Markup {
  return layout(
    'Mute a topic',
    topic
      ? html`<h1>Mute “${topic.query}”?</h1>
<p>You will get nothing more for this topic. Your other topics are not affected.</p>
<form method="post" action="/mute?token=${token}"><button type="submit">Mute this topic</button></form>
<p><a href="${preferencesUrl}">Manage all your topics</a> · <a href="/">Tidings home</a></p>`
      : html`<h1>Already muted</h1>
<p>That topic sends you nothing any more.</p>
<p><a href="${preferencesUrl}">Manage all your topics</a> · <a href="/">Tidings home</a></p>`,
  );
}
