/**
 * The labelled near-duplicate set, built in memory on every run: same-story pairs are one BBC article and a
 * copy edited as a second outlet edits wire copy; different-story pairs are two articles of the same
 * category that share the most names. The BBC text is for research use: it is read from the shared data
 * set when present and never written anywhere. Without it, generated text stands in (and the report says so).
 */
import { existsSync, readFileSync } from 'node:fs';
import { BBC_NEWS_PATH, seededRandom } from './corpus';

export interface Story {
  readonly id: string;
  readonly category: string;
  readonly title: string;
  readonly paragraphs: readonly string[];
}

export interface StoryCorpus {
  readonly description: string;
  readonly source: 'bbc-news' | 'generated';
  readonly stories: readonly Story[];
}

type Random = () => number;
type Edit = (story: Story, random: Random) => Story;

const paragraphsOf = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');

function loadBbc(): StoryCorpus {
  const stories = readFileSync(BBC_NEWS_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const { id, category, title, text } = JSON.parse(line) as Record<string, string>;
      return {
        id: id ?? '',
        category: category ?? '',
        title: title ?? '',
        paragraphs: paragraphsOf(text ?? ''),
      };
    });
  return { description: `bbc-news, ${stories.length} articles`, source: 'bbc-news', stories };
}

const CATEGORIES = ['business', 'entertainment', 'politics', 'sport', 'tech'];
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'sa',
  'tor',
  'vel',
  'an',
  'dri',
  'po',
  'quel',
  'ust',
  'bra',
  'fen',
];
const FUNCTION_WORDS =
  'the of and to a in that is was he for it with as his on be at by said had not are but from'.split(' ');

/** Word salad with a shared function-word list and a vocabulary per category, so same-topic stories overlap. */
function generated(count: number): StoryCorpus {
  const random = seededRandom(11);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(SYLLABLES)).join('');
  const vocabulary = new Map(CATEGORIES.map((c) => [c, Array.from({ length: 400 }, word)]));
  const stories = Array.from({ length: count }, (_, i) => {
    const category = CATEGORIES[i % CATEGORIES.length] as string;
    const topic = vocabulary.get(category) ?? [];
    const sentence = () => {
      const words = Array.from({ length: 8 + Math.floor(random() * 14) }, () =>
        random() < 0.45 ? pick(FUNCTION_WORDS) : pick(topic),
      );
      const text = words.join(' ');
      return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
    };
    const paragraphs = Array.from({ length: 5 + Math.floor(random() * 10) }, () =>
      Array.from({ length: 1 + Math.floor(random() * 3) }, sentence).join(' '),
    );
    return { id: `generated-${i}`, category, title: sentence().slice(0, -1), paragraphs };
  });
  return {
    description: `generated word salad, ${count} articles (${BBC_NEWS_PATH} not found)`,
    source: 'generated',
    stories,
  };
}

export function loadStories(): StoryCorpus {
  return existsSync(BBC_NEWS_PATH) ? loadBbc() : generated(2_225);
}

// Sentence ends followed by a capital or an opening quote; "Mr. Smith" is rare in BBC style.
const SENTENCE_BREAK = /(?<=[.!?]["'”’]?)\s+(?=["“‘'(]?[A-Z0-9])/;
const sentencesOf = (paragraph: string) => paragraph.split(SENTENCE_BREAK);

function shuffled<T>(list: readonly T[], random: Random): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** Our own table of what a sub-editor changes: synonyms, paraphrases, contractions, number styles. */
const SUBSTITUTIONS: readonly (readonly [RegExp, string])[] = [
  [/\bsaid\b/g, 'stated'],
  [/\btold\b/g, 'said to'],
  [/\bhowever\b/gi, 'but'],
  [/\balso\b/g, 'as well'],
  [/\bbig\b/g, 'large'],
  [/\bbuy\b/g, 'purchase'],
  [/\bshow\b/g, 'indicate'],
  [/\bhelp\b/g, 'assist'],
  [/\bstart\b/g, 'begin'],
  [/\bmore than\b/g, 'over'],
  [/\babout\b/g, 'around'],
  [/\bpeople\b/g, 'individuals'],
  [/\bcompany\b/g, 'firm'],
  [/\bfirm\b/g, 'company'],
  [/\bgovernment\b/g, 'administration'],
  [/\bincrease\b/g, 'rise'],
  [/\brose\b/g, 'climbed'],
  [/\bfell\b/g, 'dropped'],
  [/\bwill\b/g, 'is set to'],
  [/\bdo not\b/g, "don't"],
  [/\bdid not\b/g, "didn't"],
  [/\bis not\b/g, "isn't"],
  [/\bit is\b/g, "it's"],
  [/\bwe are\b/g, "we're"],
  [/\bcannot\b/g, "can't"],
  [/\bper cent\b/g, '%'],
  [/(\d)%/g, '$1 per cent'],
  [/\b(\d+)m\b/g, '$1 million'],
  [/\b(\d+)bn\b/g, '$1 billion'],
  [/\b(\d)(\d{3})\b/g, '$1,$2'],
  [/\bnumber of\b/g, 'several'],
  [/\bbecause\b/g, 'as'],
  [/\bafter\b/g, 'following'],
  [/\bbefore\b/g, 'ahead of'],
  [/\bwants\b/g, 'hopes'],
  [/\bexpected\b/g, 'forecast'],
  [/\bsaid on\b/g, 'announced on'],
  [/\blast year\b/g, 'in the previous year'],
  [/\bmain\b/g, 'key'],
];

const AGENCY_LINES = [
  '(Reporting by the Tidings Wire newsroom; editing by the overnight desk.)',
  'Copyright Tidings Wire. All rights reserved. This story may not be republished without permission.',
  'Additional reporting by our correspondents. Follow us for the latest updates on this story.',
];

const withParagraphs = (story: Story, paragraphs: readonly string[], title = story.title): Story => ({
  ...story,
  title,
  paragraphs: paragraphs.length > 0 ? paragraphs : story.paragraphs.slice(0, 1),
});

function reword(text: string, random: Random): string {
  let result = text;
  for (const [pattern, replacement] of SUBSTITUTIONS) {
    result = result.replace(pattern, (...match) =>
      random() < 0.7
        ? match[0].replace(new RegExp(pattern.source, pattern.flags.replace('g', '')), replacement)
        : match[0],
    );
  }
  return result;
}

export const EDITS: Readonly<Record<string, Edit>> = {
  'reorder sentences': (story, random) =>
    withParagraphs(
      story,
      story.paragraphs.map((p) => shuffled(sentencesOf(p), random).join(' ')),
    ),
  'reorder paragraphs': (story, random) => withParagraphs(story, shuffled(story.paragraphs, random)),
  'trim tail 30-50 %': (story, random) => {
    const keep = Math.max(1, Math.round(story.paragraphs.length * (0.5 + random() * 0.2)));
    return withParagraphs(story, story.paragraphs.slice(0, keep));
  },
  'drop lead sentence': (story) => {
    const [lead = '', ...rest] = story.paragraphs;
    const remainder = sentencesOf(lead).slice(1).join(' ');
    return withParagraphs(story, remainder === '' ? rest : [remainder, ...rest]);
  },
  reword: (story, random) =>
    withParagraphs(
      story,
      story.paragraphs.map((p) => reword(p, random)),
      reword(story.title, random),
    ),
  'new headline': (story, random) => {
    const lead = (sentencesOf(story.paragraphs[0] ?? '')[0] ?? '').split(' ');
    const from = Math.floor(random() * Math.max(1, lead.length - 8));
    return { ...story, title: lead.slice(from, from + 6 + Math.floor(random() * 4)).join(' ') };
  },
  'agency line': (story, random) => {
    const line = AGENCY_LINES[Math.floor(random() * AGENCY_LINES.length)] as string;
    return withParagraphs(story, random() < 0.5 ? [...story.paragraphs, line] : [line, ...story.paragraphs]);
  },
};

const SINGLE = Object.keys(EDITS);

/** What a second outlet does to wire copy: two or three edits, always one that changes words. */
export const COMBINATIONS: readonly (readonly string[])[] = [
  ['new headline', 'reword'],
  ['trim tail 30-50 %', 'reword'],
  ['new headline', 'trim tail 30-50 %', 'agency line'],
  ['reorder paragraphs', 'drop lead sentence', 'reword'],
  ['drop lead sentence', 'trim tail 30-50 %', 'reword'],
];

export const OPERATIONS: readonly string[] = [...SINGLE, ...COMBINATIONS.map((c) => c.join(' + '))];

export function applyOperation(operation: string, story: Story, random: Random): Story {
  return operation
    .split(' + ')
    .reduce((edited, name) => (EDITS[name] ? (EDITS[name] as Edit)(edited, random) : edited), story);
}

/** A random combination of 1–3 edits, for the lookup bench's stored versions and queries. */
export function randomEdit(story: Story, random: Random): Story {
  const operation = OPERATIONS[Math.floor(random() * OPERATIONS.length)] as string;
  return applyOperation(operation, story, random);
}

/** Capitalised words not opening a sentence, lower-cased: the names a story is about. */
function namesOf(story: Story): Set<string> {
  const names = new Set<string>();
  for (const paragraph of [story.title, ...story.paragraphs]) {
    for (const sentence of sentencesOf(paragraph)) {
      const words = sentence.split(/\s+/);
      for (let i = 1; i < words.length; i++) {
        const word = (words[i] ?? '').replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
        if (/^\p{Lu}\p{Ll}+$/u.test(word)) names.add(word.toLowerCase());
      }
    }
  }
  return names;
}

/** For each story, the other story of its category that shares the most names (ties: the first). */
export function hardestOtherStories(stories: readonly Story[]): [Story, Story][] {
  const names = stories.map(namesOf);
  const pairs: [Story, Story][] = [];
  for (const [i, story] of stories.entries()) {
    let best = -1;
    let bestShared = -1;
    const own = names[i] as Set<string>;
    for (const [j, other] of stories.entries()) {
      if (j === i || other.category !== story.category) continue;
      let shared = 0;
      for (const name of names[j] as Set<string>) if (own.has(name)) shared++;
      if (shared > bestShared) {
        best = j;
        bestShared = shared;
      }
    }
    if (best >= 0) pairs.push([story, stories[best] as Story]);
  }
  return pairs;
}

export { seededRandom };
