import { html, type Markup } from '../http/html';
import { layout } from './layout';

const headings: Readonly<Record<number, string>> = {
  404: 'Page not found',
  405: 'That does not work here',
};

/** Every error a person sees in a browser: what went wrong, in words, and a way on from there. */
export function errorPage(message: string, status?: number): Markup {
  const heading = (status !== undefined && headings[status]) || 'Something is not right';
  return layout(
    heading,
    html`<h1>${heading}</h1><p class="error" role="alert">${message}</p>
<p><a href="/">Go to Tidings to subscribe or preview a topic</a></p>`,
  );
}
