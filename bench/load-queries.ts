import { parseQuery, QueryError, tokenizeText } from '../lib/query';
import { type Corpus, type CorpusArticle, zipfSampler } from './corpus';

/**
 * Topic words are in at least 3 and at most 0.3 % of the corpus articles: rarer ones are mostly typos, and
 * commoner ones ("said", "monday", "cover") are words nobody subscribes to on their own.
 */
const MIN_DOCUMENT_FREQUENCY = 3;
const MAX_DOCUMENT_SHARE = 0.003;

const isWord = (token: string | undefined): token is string => /^\p{L}{4,}$/u.test(token ?? '');

/**
 * Topic queries as readers write them: a distinctive word, two words together, a phrase lifted from the
 * corpus, an OR of alternatives, a word with an exclusion. Words are drawn Zipf-wise from the corpus
 * vocabulary's middle band (commoner ones first), so most topics are niche (they match a few stories of the
 * stream) and some are broad. The same `random` gives the same queries on every run.
 */
export function loadQueryGenerator(corpus: Corpus, random: () => number) {
  const maxFrequency = Math.max(MIN_DOCUMENT_FREQUENCY, corpus.articles.length * MAX_DOCUMENT_SHARE);
  const words = corpus.vocabulary.filter((word) => {
    const frequency = corpus.documentFrequency.get(word) ?? 0;
    return isWord(word) && frequency >= MIN_DOCUMENT_FREQUENCY && frequency <= maxFrequency;
  });
  const nextWord = zipfSampler(words.length, 0.3, random);
  const band = new Set(words);
  const word = () => words[nextWord()] ?? 'harbour';
  const texts = corpus.articles.slice(0, 600).map((article: CorpusArticle) => tokenizeText(article.text));
  const phrase = () => {
    const tokens = texts[Math.floor(random() * texts.length)] ?? [];
    for (let tries = 0; tries < 20; tries++) {
      const at = Math.floor(random() * Math.max(1, tokens.length - 1));
      const [first, second] = [tokens[at], tokens[at + 1]];
      // Led by a topic word: "north america" is in every other story.
      if (isWord(first) && isWord(second) && band.has(first)) return `"${first} ${second}"`;
    }
    return word();
  };
  return (): string => {
    const roll = random();
    if (roll < 0.25) return word();
    if (roll < 0.55) return `${word()} ${word()}`;
    if (roll < 0.7) return phrase();
    if (roll < 0.8) return `(${word()} OR ${word()}) AND ${word()}`;
    if (roll < 0.9) return `${word()} -${word()}`;
    return `${phrase()} OR ${word()} ${word()}`;
  };
}

/** A query the subscribe API would take (`a -a` can never match, and is refused). */
function isValid(query: string): boolean {
  try {
    parseQuery(query);
    return true;
  } catch (error) {
    if (error instanceof QueryError) return false;
    throw error;
  }
}

/** `count` distinct valid queries (the same query twice would be one topic to the matcher). */
export function distinctQueries(next: () => string, count: number): string[] {
  const queries = new Set<string>();
  for (let tries = 0; queries.size < count && tries < count * 20; tries++) {
    const query = next();
    if (isValid(query)) queries.add(query);
  }
  return [...queries];
}
