import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { MAX_BODY_BYTES } from '../../lib/http/request';

/** One nasty input of the corpus with the class it stands for (`xss`, `crlf`, `traversal`, …). */
export interface CorpusEntry {
  readonly tag: string;
  readonly value: string;
}

export const corpus: readonly CorpusEntry[] = JSON.parse(
  readFileSync(new URL('./corpus.json', import.meta.url), 'utf8'),
) as CorpusEntry[];

const corpusValues = corpus.map((entry) => entry.value);

export const nasty = fc.constantFrom(...corpusValues);

/** Unicode text built to hurt: combining marks, bidi overrides, joiners, lone surrogates, controls. */
const oddUnicode = fc
  .array(
    fc.constantFrom(
      '\u0301',
      '\u036f',
      '\u202e',
      '\u202d',
      '\u2066',
      '\u200d',
      '\u200b',
      '\ufeff',
      '\u0000',
      '\u001b',
      '\ud800',
      '\udfff',
      '\u{1f4a9}',
      '\u{e0001}',
      'ﷺ',
      '𒐫',
      'a',
    ),
    { minLength: 1, maxLength: 400 },
  )
  .map((parts) => parts.join(''));

/** Text a hostile user might type into any field: the corpus, random strings, or both run together. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: oddUnicode },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 20 }), nasty).map(([a, b]) => `${a}${b}`) },
);

/** Random bytes, mostly small, sometimes whole pages of them. */
export const randomBytes = fc
  .uint8Array({ minLength: 0, maxLength: 4096 })
  .map((bytes) => Buffer.from(bytes));

/** A body at, just over, or far over the 1 MiB limit. */
export const hugeBody = fc
  .constantFrom(MAX_BODY_BYTES, MAX_BODY_BYTES + 1, 3 * MAX_BODY_BYTES)
  .chain((size) => fc.constantFrom('x', '中', '<').map((unit) => Buffer.alloc(size, unit)));

/** JSON nested `depth` deep: arrays, objects or both, the kind that overflows a recursive walker. */
export const deepJson = fc
  .tuple(fc.integer({ min: 100, max: 100_000 }), fc.constantFrom('[', '{"a":', '[{"a":'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

/** A gzip stream that inflates to far more than the body limit: sent with `Content-Encoding: gzip`. */
export const gzipBomb = fc.constantFrom(
  ...[8, 64, 128].map((megabytes) => gzipSync(Buffer.alloc(megabytes * 1024 * 1024, 'a'), { level: 9 })),
);

/** Any JSON value, including the ones a field never expects (objects for strings, huge numbers). */
export const anyJson = fc.jsonValue({ maxDepth: 4 });

/** A field's value as a hostile client sends it in JSON: text mostly, sometimes the wrong type. */
export const hostileField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileText },
  { weight: 1, arbitrary: anyJson },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -1, 1e308, [], {}, ['a', 'b'], { $gt: '' }) },
);

/** Text encoded into a form or query, sometimes with escapes that do not decode. */
export function formEncode(fields: Record<string, string | readonly string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value as string]) params.append(key, one);
  return params.toString();
}

/** A query-string or path fragment: a well-escaped value, a raw one, or escapes that decode to nothing. */
export const hostileComponent: fc.Arbitrary<string> = fc.oneof(
  hostileText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))),
  fc.constantFrom('%', '%%', '%zz', '%E0%A4%A', '%C0%AF', '%ff%fe', '%00', '%0d%0a', '%2e%2e%2f', '%25'),
  fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((s) => s.replace(/[\s#]/g, '')),
);

/** Samples `count` values with the fixed seed (offset per use so two entry points do not share values). */
export function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}
