import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenizeText } from '../lib/query';

export interface CorpusArticle {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface Corpus {
  /** Where the text came from, for the benchmark report. */
  readonly description: string;
  readonly articles: readonly CorpusArticle[];
  /** Distinct normalised words, most widespread (highest document frequency) first. */
  readonly vocabulary: readonly string[];
  /** Word → number of articles containing it. */
  readonly documentFrequency: ReadonlyMap<string, number>;
}

/** Resolved from this file, not the working directory, so the bench finds the data wherever it is started. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BBC_NEWS_PATH = resolve(REPO_ROOT, '../shared/data/bbc-news/articles.jsonl');

/** mulberry32: small, fast and seedable, so every run generates the same corpus and topics. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples ranks 0..n-1 with probability proportional to 1 / (rank + 1)^exponent. */
/** A copy of `list` in an order `random` decides (Fisher–Yates). */
export function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

export function zipfSampler(n: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cumulative[mid] ?? total) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

function withVocabulary(description: string, articles: CorpusArticle[]): Corpus {
  const documentFrequency = new Map<string, number>();
  for (const article of articles) {
    for (const word of new Set(tokenizeText(`${article.title} ${article.text}`))) {
      documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
    }
  }
  const vocabulary = [...documentFrequency.keys()].sort(
    (a, b) => (documentFrequency.get(b) ?? 0) - (documentFrequency.get(a) ?? 0) || (a < b ? -1 : 1),
  );
  return { description, articles, vocabulary, documentFrequency };
}

function loadBbcNews(): Corpus {
  const articles = readFileSync(BBC_NEWS_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const { id, title, text } = JSON.parse(line) as CorpusArticle;
      return { id, title, text };
    });
  return withVocabulary(`bbc-news (${articles.length} articles from ${BBC_NEWS_PATH})`, articles);
}

const CONSONANTS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiou';

/** Pronounceable pseudo-words, used with Zipf frequencies when the real corpus is not available. */
function syntheticCorpus(articleCount: number): Corpus {
  const random = seededRandom(7);
  const pick = (letters: string) => letters.charAt(Math.floor(random() * letters.length));
  const words = new Set<string>();
  while (words.size < 20_000) {
    const syllables = 1 + Math.floor(random() * 4);
    let word = '';
    for (let i = 0; i < syllables; i++) word += pick(CONSONANTS) + pick(VOWELS);
    if (random() < 0.3) word += pick(CONSONANTS);
    words.add(word);
  }
  const vocabulary = [...words];
  const nextWord = zipfSampler(vocabulary.length, 1.07, random);
  const sentence = (length: number) => Array.from({ length }, () => vocabulary[nextWord()] ?? '').join(' ');
  const articles = Array.from({ length: articleCount }, (_, i) => {
    const length = 300 + Math.floor(random() * 1_700);
    const sentences: string[] = [];
    for (let written = 0; written < length; written += 15) sentences.push(`${sentence(15)}.`);
    return { id: `synthetic-${i}`, title: sentence(6 + Math.floor(random() * 5)), text: sentences.join(' ') };
  });
  return withVocabulary(
    `synthetic (${articleCount} generated articles; ${BBC_NEWS_PATH} not found)`,
    articles,
  );
}

/** The BBC News articles when the shared data set is present (research use: never copied), else generated text. */
export function loadCorpus(): Corpus {
  return existsSync(BBC_NEWS_PATH) ? loadBbcNews() : syntheticCorpus(2_000);
}
