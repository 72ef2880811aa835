/** One message as a recipient got it: the addressee, the subject, and the raw text for what is inside. */
export interface Letter {
  readonly to: string;
  readonly subject: string;
  readonly raw: string;
}

/** A header's value, folded lines joined (RFC 5322 §2.2.3). */
function header(head: string, name: string): string {
  const match = new RegExp(`^${name}:(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return (match?.[1] ?? '').replace(/\r?\n[ \t]/g, ' ').trim();
}

/** Parses only the headers: a full MIME parse of 500 messages is slower than the test it serves. */
export function letterOf(raw: string): Letter {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const to = /<?([^\s<>,"]+@[^\s<>,"]+)>?\s*$/.exec(header(head, 'To'))?.[1]?.toLowerCase() ?? '';
  return { to, subject: header(head, 'Subject'), raw };
}
