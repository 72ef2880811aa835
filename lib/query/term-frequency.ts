/** Estimated number of articles containing a word; the index keys each alternative on its rarest word. */
export type TermFrequency = (word: string) => number;

// Function words and newsroom staples that appear in nearly every article: never a good key.
const COMMON_WORDS = new Set(
  (
    'a about after all also an and are as at be been but by can could for from had has have he her his how if ' +
    'in into is it its last more most new no not now of on one only or other our out over people said says she ' +
    'so some than that the their them there they this those to told two up us was we were what when which who ' +
    'will with would year years you'
  ).split(' '),
);

/**
 * Without real document frequencies: common words are treated as everywhere, and otherwise longer words as
 * rarer, which is right often enough for names and places ("pezeshkian" beats "president").
 */
export const defaultTermFrequency: TermFrequency = (word) =>
  COMMON_WORDS.has(word) ? 1_000_000 : 1_000 / word.length;
