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
  let wide = false;
  const escaped = String(value).replace(emailSpecial, (char) => {
    const entity = entities[char];
    if (entity !== undefined) return entity;
    wide = true;
    return `&#${char.codePointAt(0)};`;
  });
  // Escaping a string that held non-ASCII gives ASCII text in V8's two-byte form, which then makes the
  // whole email two-byte and slow to encode; a latin1 round trip stores it as one byte per character.
  return wide ? Buffer.from(escaped, 'latin1').toString('latin1') : escaped;
}
