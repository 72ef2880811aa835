import { performance } from 'node:perf_hooks';
import {
  type MatchableArticle,
  matchNaive,
  parseQuery,
  pluralForms,
  type TokenizedArticle,
  TopicIndex,
  type TopicMatch,
  tokenizeArticle,
  tokenizeText,
} from '../lib/query';
import { type Corpus, type CorpusArticle, loadCorpus, seededRandom, zipfSampler } from './corpus';

type Print = (line: string) => void;

interface Topic {
  readonly id: string;
  readonly query: string;
}

const SCALES = [10_000, 100_000, 1_000_000];
const NAIVE_SCALES = new Set([10_000, 100_000]);
const BENCH_ARTICLES = 100;
const NAIVE_SAMPLE_AT_1M = 5;
const PLANTED_TOPICS = 50;
// The most widespread words are function words nobody subscribes to; topic words are drawn after them.
const SKIPPED_COMMON_WORDS = 100;

const TARGETS = {
  matchMsAt1M: 5,
  buildSecondsAt1M: 15,
  heapMbAt1M: 1_536,
  ratio1MTo10k: 3,
  speedupAt100k: 100,
};

const mb = (bytes: number) => bytes / (1024 * 1024);
const fixed = (value: number, digits = 3) => value.toFixed(digits);

function collectGarbage(): void {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
}

function wordCount(article: CorpusArticle): number {
  return tokenizeText(article.text).length;
}

/** A deterministic choice of articles of 300–2,000 words. */
export function pickBenchArticles(corpus: Corpus, random: () => number): CorpusArticle[] {
  const eligible = corpus.articles.filter((article) => {
    const words = wordCount(article);
    return words >= 300 && words <= 2_000;
  });
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j] as CorpusArticle, eligible[i] as CorpusArticle];
  }
  return eligible.slice(0, BENCH_ARTICLES);
}

function hasTokenStartingWith(sortedTokens: readonly string[], stem: string): boolean {
  let low = 0;
  let high = sortedTokens.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sortedTokens[mid] ?? '') < stem) low = mid + 1;
    else high = mid;
  }
  return (sortedTokens[low] ?? '').startsWith(stem);
}

/**
 * Background topics look like real ones (Zipf-distributed corpus words, phrases taken from the corpus, OR,
 * NOT, wildcards) but each requires an "anchor": a corpus word that no benchmark article contains, even as
 * a prefix. So none of them matches, candidate lookups still hit their other words, and the number of true
 * matches stays the same at every scale.
 */
export function topicGenerator(
  corpus: Corpus,
  benchArticles: readonly CorpusArticle[],
  random: () => number,
) {
  const benchTokens = [...new Set(benchArticles.flatMap((a) => tokenizeText(`${a.title} ${a.text}`)))].sort();
  // Not even as a prefix or a plural: `difficulty` would match `difficulties`.
  const anchors = corpus.vocabulary.filter(
    (word) =>
      [...word].length >= 4 &&
      /^\p{L}+$/u.test(word) &&
      !hasTokenStartingWith(benchTokens, word) &&
      !pluralForms(word).some((form) => hasTokenStartingWith(benchTokens, form)),
  );
  const words = corpus.vocabulary.slice(SKIPPED_COMMON_WORDS);
  const nextAnchor = zipfSampler(anchors.length, 1, random);
  const nextWord = zipfSampler(words.length, 1, random);
  const corpusTokens = corpus.articles.slice(0, 500).map((article) => tokenizeText(article.text));
  const anchor = () => anchors[nextAnchor()] ?? 'anchor';
  const word = () => words[nextWord()] ?? 'word';
  const bigram = () => {
    const tokens = corpusTokens[Math.floor(random() * corpusTokens.length)] ?? [];
    const at = Math.floor(random() * Math.max(1, tokens.length - 1));
    return `"${tokens[at] ?? word()} ${tokens[at + 1] ?? word()}"`;
  };
  const wildcard = (base: string) => {
    const letters = [...base];
    if (letters.length < 3 || !/^\p{L}+$/u.test(base)) return base;
    return `${letters.slice(0, Math.max(3, letters.length - 2)).join('')}*`;
  };
  // A topic drops a negation of a word it also looks for, which could make the query impossible to match.
  const part = (): { text: string; requires?: string; alternatives?: string[]; excludes?: string } => {
    const roll = random();
    if (roll < 0.2) return { text: bigram() };
    if (roll < 0.3) {
      const alternatives = [word(), word()];
      return { text: `(${alternatives.join(' OR ')})`, alternatives };
    }
    if (roll < 0.4) {
      const excluded = word();
      return { text: `-${excluded}`, excludes: excluded };
    }
    if (roll < 0.45) {
      const base = word();
      const text = wildcard(base);
      return text === base ? { text, requires: base } : { text };
    }
    const required = word();
    return { text: required, requires: required };
  };
  const anchorPart = (): { text: string; requires?: string; alternatives?: string[] } => {
    const roll = random();
    if (roll < 0.2) return { text: `"${anchor()} ${word()}"` };
    if (roll < 0.25) return { text: `${anchor()}*` };
    const required = anchor();
    return { text: required, requires: required };
  };
  return (): string => {
    const parts = Array.from({ length: Math.floor(random() * 4) }, part);
    parts.splice(Math.floor(random() * (parts.length + 1)), 0, anchorPart());
    const required = new Set(parts.flatMap((p) => [p.requires, ...(p.alternatives ?? [])]));
    return parts
      .filter((p) => p.excludes === undefined || !required.has(p.excludes))
      .map((p) => p.text)
      .join(' ');
  };
}

/** Topics built from the benchmark articles' own words, so each matches at least one of them. */
function plantedTopics(benchArticles: readonly CorpusArticle[], random: () => number): Topic[] {
  const isWord = (token: string | undefined) => /^\p{L}{4,}$/u.test(token ?? '');
  return Array.from({ length: PLANTED_TOPICS }, (_, k) => {
    const article = benchArticles[k % benchArticles.length] as CorpusArticle;
    const tokens = tokenizeText(article.text);
    const from = Math.floor(random() * (tokens.length - 3));
    const found = tokens.findIndex((token, i) => i >= from && i < tokens.length - 3 && isWord(token));
    const at = found === -1 ? tokens.findIndex(isWord) : found;
    const [first, second, third] = [tokens[at] ?? '', tokens[at + 1] ?? '', tokens[at + 2] ?? ''];
    const queries = [
      `${first} ${tokens[Math.floor(random() * tokens.length)] ?? ''}`,
      `"${first} ${second}" OR unrelatedword`,
      `${first} NEAR/2 ${third}`,
      `${first} -zzzunseenword`,
      `${[...first].slice(0, 4).join('')}* ${second}`,
    ];
    return { id: `planted-${String(k).padStart(2, '0')}`, query: queries[k % queries.length] ?? first };
  });
}

function timePerArticle(
  articles: readonly MatchableArticle[],
  match: (article: MatchableArticle) => TopicMatch[],
) {
  const results: TopicMatch[][] = [];
  const start = performance.now();
  for (const article of articles) results.push(match(article));
  return { ms: (performance.now() - start) / articles.length, results };
}

function medianRun<T extends { ms: number }>(runs: readonly T[]): T {
  const middle = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  if (middle === undefined) throw new Error('medianRun needs at least one run');
  return middle;
}

/**
 * One untimed pass so the JIT has compiled the code, no garbage left over from the build, and the median of
 * three timed passes, so one unlucky pause does not decide the figure.
 */
function timeIndex(index: TopicIndex, articles: readonly MatchableArticle[]) {
  for (const article of articles) index.match(article);
  collectGarbage();
  return medianRun([1, 2, 3].map(() => timePerArticle(articles, (article) => index.match(article))));
}

function sameResults(a: readonly TopicMatch[], b: readonly TopicMatch[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The naive matcher over a million parsed topics would not fit the heap budget: parse and check one at a time. */
function naiveStreaming(topics: readonly Topic[], articles: readonly TokenizedArticle[]): TopicMatch[][] {
  const results: TopicMatch[][] = articles.map(() => []);
  for (const topic of topics) {
    const parsed = [{ id: topic.id, query: parseQuery(topic.query) }];
    for (const [i, article] of articles.entries()) results[i]?.push(...matchNaive(parsed, article));
  }
  return results.map((matches) => matches.sort((a, b) => (a.topicId < b.topicId ? -1 : 1)));
}

export async function run(print: Print): Promise<boolean> {
  const corpus = loadCorpus();
  print(`corpus: ${corpus.description}`);
  const random = seededRandom(2024);
  const benchArticles = pickBenchArticles(corpus, random);
  const articles: MatchableArticle[] = benchArticles.map(({ id, title, text }) => ({ id, title, text }));
  const averageWords = benchArticles.reduce((sum, a) => sum + wordCount(a), 0) / benchArticles.length;
  print(`bench-articles: ${articles.length} count`);
  print(`bench-article-words: ${fixed(averageWords, 0)} words`);

  const planted = plantedTopics(benchArticles, random);
  const nextTopic = topicGenerator(corpus, benchArticles, random);
  const largest = Math.max(...SCALES);
  const background: Topic[] = Array.from({ length: largest - planted.length }, (_, i) => ({
    id: `topic-${i}`,
    query: nextTopic(),
  }));
  const termFrequency = (word: string) => corpus.documentFrequency.get(word) ?? 0;

  let correct = true;
  const perArticle = new Map<number, number>();
  const naivePerArticle = new Map<number, number>();
  let buildSecondsAt1M = Number.NaN;
  let heapMbAt1M = Number.NaN;

  for (const scale of SCALES) {
    const label = scale >= 1_000_000 ? `${scale / 1_000_000}M` : `${scale / 1_000}k`;
    const topics = [...planted, ...background.slice(0, scale - planted.length)];
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const buildStart = performance.now();
    const index = TopicIndex.build(topics, { termFrequency });
    const buildSeconds = (performance.now() - buildStart) / 1_000;
    collectGarbage();
    const heapMb = mb(process.memoryUsage().heapUsed - heapBefore);
    print(`build-${label}: ${fixed(buildSeconds, 2)} s`);
    print(`heap-${label}: ${fixed(heapMb, 0)} MB`);
    if (scale === largest) {
      buildSecondsAt1M = buildSeconds;
      heapMbAt1M = heapMb;
    }

    const indexed = timeIndex(index, articles);
    perArticle.set(scale, indexed.ms);
    const matches = indexed.results.reduce((sum, r) => sum + r.length, 0) / articles.length;
    print(`match-per-article-${label}: ${fixed(indexed.ms)} ms`);
    print(`matches-per-article-${label}: ${fixed(matches, 2)} count`);

    if (NAIVE_SCALES.has(scale)) {
      const parsed = topics.map((topic) => ({ id: topic.id, query: parseQuery(topic.query) }));
      const naive = timePerArticle(articles, (article) => matchNaive(parsed, article));
      naivePerArticle.set(scale, naive.ms);
      print(`naive-per-article-${label}: ${fixed(naive.ms)} ms`);
      const mismatches = articles.filter(
        (_, i) => !sameResults(indexed.results[i] ?? [], naive.results[i] ?? []),
      );
      print(
        `index-equals-naive-${label}: ${mismatches.length === 0 ? 'PASS' : `FAIL (${mismatches.length} articles differ)`}`,
      );
      correct &&= mismatches.length === 0;
    } else {
      const sample = articles.slice(0, NAIVE_SAMPLE_AT_1M).map((article) => tokenizeArticle(article));
      const naive = naiveStreaming(topics, sample);
      const mismatches = sample.filter((_, i) => !sameResults(indexed.results[i] ?? [], naive[i] ?? []));
      print(
        `index-equals-naive-${label}: ${mismatches.length === 0 ? 'PASS' : `FAIL (${mismatches.length} articles differ)`} (sample of ${sample.length} articles)`,
      );
      correct &&= mismatches.length === 0;
      const estimate = (naivePerArticle.get(100_000) ?? Number.NaN) * (scale / 100_000);
      print(`naive-per-article-${label}-estimated: ${fixed(estimate, 0)} ms`);
    }

    if (scale === 100_000) {
      const defaultKeys = TopicIndex.build(topics);
      const timed = timeIndex(defaultKeys, articles);
      print(`match-per-article-${label}-default-keys: ${fixed(timed.ms)} ms`);
      const mismatches = articles.filter(
        (_, i) => !sameResults(timed.results[i] ?? [], indexed.results[i] ?? []),
      );
      print(`default-keys-equal-${label}: ${mismatches.length === 0 ? 'PASS' : 'FAIL'}`);
      correct &&= mismatches.length === 0;
    }
  }

  const ratio = (perArticle.get(1_000_000) ?? Number.NaN) / (perArticle.get(10_000) ?? Number.NaN);
  const speedup = (naivePerArticle.get(100_000) ?? Number.NaN) / (perArticle.get(100_000) ?? Number.NaN);
  print(`match-1M-vs-10k: ${fixed(ratio, 2)} ratio`);
  print(`speedup-vs-naive-100k: ${fixed(speedup, 0)} ratio`);
  const target = (name: string, ok: boolean) => print(`target ${name}: ${ok ? 'PASS' : 'FAIL'}`);
  target(
    `match-per-article-1M <= ${TARGETS.matchMsAt1M} ms`,
    (perArticle.get(1_000_000) ?? Infinity) <= TARGETS.matchMsAt1M,
  );
  target(`build-1M <= ${TARGETS.buildSecondsAt1M} s`, buildSecondsAt1M <= TARGETS.buildSecondsAt1M);
  target(`heap-1M <= ${TARGETS.heapMbAt1M} MB`, heapMbAt1M <= TARGETS.heapMbAt1M);
  target(`match-1M-vs-10k <= ${TARGETS.ratio1MTo10k}`, ratio <= TARGETS.ratio1MTo10k);
  target(`speedup-vs-naive-100k >= ${TARGETS.speedupAt100k}`, speedup >= TARGETS.speedupAt100k);
  target('index results equal naive results', correct);
  return correct;
}
