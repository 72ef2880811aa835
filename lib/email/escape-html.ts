const entities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values. Unlike Mustache's default it leaves
 * `/` and `=` alone, so URLs stay readable in `href` attributes for clients and link scanners that do not
 * decode entities.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

const emailSpecial = /[&<>"']|[^\0-\x7f]/gu;

/**
 * `escapeHtml` for emails: characters beyond ASCII also become numeric references, so the HTML part is
 * plain ASCII and goes out as 7bit, with no base64 pass over 40 KB per recipient (at some size cost for
 * non-Latin text). Pages keep UTF-8 as is.
 */
export function escapeEmailHtml(value: unknown): string {
  return String(value).replace(emailSpecial, (char) => entities[char] ?? `&#${char.codePointAt(0)};`);
}
