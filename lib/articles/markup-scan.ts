/** Scanning helpers shared by the XML reader and the HTML reducer: plain loops, linear in the text. */

/** The index of the `>` ending the tag opened at `lt`, skipping quoted attribute values; the text's end if none. */
export function tagEnd(text: string, lt: number): number {
  let quote = '';
  for (let at = lt + 1; at < text.length; at++) {
    const c = text.charAt(at);
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return at;
  }
  return text.length;
}

/** Just past the next `end` from `from`, or the text's end when there is none. */
export function indexAfter(text: string, end: string, from: number): number {
  const at = text.indexOf(end, from);
  return at === -1 ? text.length : at + end.length;
}
