// A sentence's closing punctuation, with any closing quotes or brackets after it.
const SENTENCE_CLOSE = /^[.!?…。！？؟।]*["'”’»)\]]*/u;
const ENDS_SENTENCE = /[.!?…。！？؟।]["'”’»)\]]*$/u;
// What joined the headline to the clause it left out: ", signalling…", " — a measure…", "; traders…".
const JOINER = /^[\s,;:—–-]+/;

/**
 * The lead paragraph without what a headline derived from it already says, so a summary under that
 * headline does not repeat it: the next sentence when the headline was the whole lead sentence, else the
 * rest of that sentence after an ellipsis ("…signalling the weight she gives to ties"). Empty when the
 * headline is all the paragraph says. A headline the lead does not start with (given by the sender, or
 * cut by an older rule) leaves the paragraph as it is.
 */
export function leadAfterHeadline(lead: string, headline: string): string {
  const said = headline.endsWith('…') ? headline.slice(0, -1) : headline;
  if (said.trim() === '' || !lead.startsWith(said)) return lead;
  const rest = lead.slice(said.length);
  const close = SENTENCE_CLOSE.exec(rest)?.[0] ?? '';
  if (close !== '' || ENDS_SENTENCE.test(said) || /^\s*$/.test(rest)) return rest.slice(close.length).trim();
  // A headline cut inside a word is not one the lead continues; show the paragraph whole.
  if (/^[\p{L}\p{N}]/u.test(rest)) return lead;
  return `…${rest.replace(JOINER, '')}`;
}
