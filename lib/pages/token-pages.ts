import { html, type Markup } from '../http/html';
import type { Frequency } from '../subscriptions/model';
import type { SubscriptionView } from '../use-cases/show-subscription';
import { layout } from './layout';

/**
 * GET pages behind email links only show a button: mail scanners follow links, so only the POST of this
 * form changes anything. The post redirects to a result page, so reloading that page posts nothing again.
 */
export function confirmPage(view: SubscriptionView, token: string): Markup {
  const topics = view.afterConfirming;
  return layout(
    'Confirm your subscription',
    html`<h1>Confirm your subscription</h1>
${
  topics.length > 0
    ? html`<p>Once you confirm, you will get ${topics.length === 1 ? 'this topic' : `these ${topics.length} topics`}:</p>
<ul>${topics.map((t) => html`<li><code>${t.query}</code> <span class="hint">${frequencyLabels[t.frequency]}</span>${t.isNew ? html` <strong>new</strong>` : html``}</li>`)}</ul>`
    : html`<p>Press the button to start receiving the topics you asked for.</p>`
}
<form method="post" action="/confirm?token=${token}"><button type="submit">Confirm subscription</button></form>
<p><a href="/">Not you? Go to Tidings</a></p>`,
  );
}

const frequencyLabels: Readonly<Record<Frequency, string>> = {
  instant: 'as it happens',
  daily: 'in the daily digest',
  weekly: 'in the weekly digest',
};

const topicList = (topics: SubscriptionView['activeTopics']) =>
  html`<ul>${topics.map((t) => html`<li><code>${t.query}</code> <span class="hint">${frequencyLabels[t.frequency]}</span></li>`)}</ul>`;

/** Where a confirm post leads: the reader's whole set of active topics, or why there is none. */
export function confirmedPage(view: SubscriptionView, token: string): Markup {
  if (view.status === 'active') {
    const count = view.activeTopics.length;
    return layout(
      'Subscription confirmed',
      html`<h1>You are subscribed</h1>
<p>${count} topic${count === 1 ? ' is' : 's are'} now active:</p>
${topicList(view.activeTopics)}
<p><a href="/">Add more topics or preview one</a></p>`,
    );
  }
  if (view.status === 'pending') {
    return layout(
      'Not confirmed yet',
      html`<h1>Not confirmed yet</h1>
<p>Your subscription starts once you press the button on the confirmation page.</p>
<p><a href="/confirm?token=${token}">Go to the confirmation page</a></p>`,
    );
  }
  return layout(
    'Not subscribed',
    html`<h1>You are not subscribed</h1>
<p>This address receives nothing from Tidings.</p>
<p><a href="/">Subscribe again</a></p>`,
  );
}

export function unsubscribePage(token: string): Markup {
  return layout(
    'Unsubscribe',
    html`<h1>Unsubscribe from Tidings</h1>
<p>Press the button and we will stop sending you every alert and digest.</p>
<form method="post" action="/unsubscribe?token=${token}"><button type="submit">Unsubscribe</button></form>
<p><a href="/">Changed your mind? Go to Tidings</a></p>`,
  );
}

export function unsubscribedPage(): Markup {
  return layout(
    'Unsubscribed',
    html`<h1>You are unsubscribed</h1><p>We will not email you again.</p>
<p><a href="/">Subscribe again</a></p>`,
  );
}

/** Where an unsubscribe post leads; if the reader subscribed again since, it says so and offers the button. */
export function unsubscribeResultPage(view: SubscriptionView, token: string): Markup {
  if (view.status === 'unsubscribed' || view.status === 'suppressed') return unsubscribedPage();
  return layout(
    'Still subscribed',
    html`<h1>You are still subscribed</h1>
<p>This address has subscribed again since.</p>
<p><a href="/unsubscribe?token=${token}">Unsubscribe</a></p>`,
  );
}
