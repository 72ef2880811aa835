/**
 * The named references feeds actually use: markup, spaces, typographic punctuation, currency and the Latin-1
 * letters. The full HTML table (2,231 names) would cost ingest's bundle about 70 KB; a name not here stays
 * in the text as written, which a reader can still make out.
 */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  shy: '\u00ad',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  sect: '§',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  minus: '−',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  iquest: '¿',
  cent: '¢',
  pound: '£',
  euro: '€',
  yen: '¥',
  szlig: 'ß',
  ...latinLetters(),
};

/** Á á À à … from their names: each accent applies to the vowels (and a few consonants) listed with it. */
function latinLetters(): Record<string, string> {
  const accents: Record<string, [string, string]> = {
    acute: ['\u0301', 'AEIOUYaeiouy'],
    grave: ['\u0300', 'AEIOUaeiou'],
    circ: ['\u0302', 'AEIOUaeiou'],
    tilde: ['\u0303', 'ANOano'],
    uml: ['\u0308', 'AEIOUaeiouy'],
    ring: ['\u030a', 'Aa'],
    cedil: ['\u0327', 'Cc'],
  };
  const letters: Record<string, string> = {};
  for (const [accent, [mark, bases]] of Object.entries(accents)) {
    for (const base of bases) letters[`${base}${accent}`] = `${base}${mark}`.normalize('NFC');
  }
  return {
    ...letters,
    AElig: 'Æ',
    aelig: 'æ',
    Oslash: 'Ø',
    oslash: 'ø',
    ETH: 'Ð',
    eth: 'ð',
    THORN: 'Þ',
    thorn: 'þ',
  };
}

const REFERENCE = /&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi;

/**
 * Character references in `text` decoded: numeric ones always, named ones from `names` (own keys only:
 * `&constructor;` must not reach Object.prototype); any other name is left as written. HTML and XML share
 * this and differ only in their names and what a reference may look like (`reference`, global).
 */
export function decodeReferences(
  text: string,
  names: Readonly<Record<string, string>>,
  reference: RegExp,
): string {
  if (!text.includes('&')) return text;
  return text.replace(reference, (whole, ref: string) => {
    if (ref.startsWith('#')) return fromCodePoint(ref);
    return Object.hasOwn(names, ref) ? (names[ref] as string) : whole;
  });
}

/** Decodes HTML character references in text taken out of markup. */
export function decodeHtmlEntities(text: string): string {
  return decodeReferences(text, NAMED, REFERENCE);
}

/** `#233` or `#xE9` as a character; a reference to no character (0, a surrogate, past U+10FFFF) becomes U+FFFD. */
export function fromCodePoint(ref: string): string {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const code = Number.parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10);
  const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
  return valid ? String.fromCodePoint(code) : '\uFFFD';
}
