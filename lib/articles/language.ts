import { franc } from 'franc-min';
import { iso6393To1 } from 'iso-639-3';

/** franc needs some text to be right; below this it answers "und" or guesses badly. */
const MIN_CHARS = 40;
/** Enough text to be sure, without spending time on the whole of a long article. */
const SAMPLE_CHARS = 2_000;

/**
 * franc names individual languages; where ISO 639-1 only has a code for their macrolanguage (Standard
 * Arabic `arb` is Arabic `ar`), that code is the one people write in `lang:`.
 */
const MACROLANGUAGE: Readonly<Record<string, string>> = {
  arb: 'ar',
  azj: 'az',
  ckb: 'ku',
  cmn: 'zh',
  fuv: 'ff',
  koi: 'kv',
  npi: 'ne',
  pbu: 'ps',
  pes: 'fa',
  plt: 'mg',
  qug: 'qu',
  swh: 'sw',
  uzn: 'uz',
  zlm: 'ms',
  zyb: 'za',
};

/**
 * The article's language as an ISO 639-1 code (`en`), for the `lang:` query scope, when the sender did not
 * give one; undefined when the text is too short or the language has no two-letter code.
 */
export function detectLanguage(text: string): string | undefined {
  if (text.length < MIN_CHARS) return undefined;
  const code = franc(text.slice(0, SAMPLE_CHARS), { minLength: MIN_CHARS });
  return code === 'und' ? undefined : (iso6393To1[code] ?? MACROLANGUAGE[code]);
}
