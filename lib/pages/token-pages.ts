import { html, type Markup } from '../http/html';
import { layout } from './layout';

/**
 * GET pages behind email links only show a button: mail scanners follow links, so only the POST of this
 * form changes anything.
 */
export function confirmPage(token: string): Markup {
  return layout(
    'Confirm your subscription',
    html`<h1>Confirm your subscription</h1>
<p>Press the button to start receiving the topics you asked for.</p>
<form method="post" action="/confirm?token=${token}"><button type="submit">Confirm subscription</button></form>`,
  );
}

export function confirmedPage(activatedTopics: number): Markup {
  return layout(
    'Subscription confirmed',
    html`<h1>You are subscribed</h1>
<p>${activatedTopics > 0 ? `${activatedTopics} topic${activatedTopics === 1 ? ' is' : 's are'} now active.` : 'Your subscription was already confirmed.'}</p>`,
  );
}

export function unsubscribePage(token: string): Markup {
  return layout(
    'Unsubscribe',
    html`<h1>Unsubscribe from Tidings</h1>
<p>Press the button and we will stop sending you every alert and digest.</p>
<form method="post" action="/unsubscribe?token=${token}"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(): Markup {
  return layout('Unsubscribed', html`<h1>You are unsubscribed</h1><p>We will not email you again.</p>`);
}
