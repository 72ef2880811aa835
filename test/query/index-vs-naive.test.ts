import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type MatchableArticle,
  matchNaive,
  type ParsedQuery,
  parseQuery,
  QueryError,
  TopicIndex,
  tokenizeArticle,
} from '../../lib/query';

// A small vocabulary full of near-misses, so random queries and articles collide often: plurals, prefixes,
// words inside words, accents, hyphens, numbers, possessives and non-Latin scripts.
const ARTICLE_WORDS = [
  'Iran',
  'Irans',
  'Iranian',
  'Tirana',
  'drone',
  'drones',
  'droned',
  'city',
  'cities',
  'church',
  'churches',
  'al',
  'Sudani',
  'nuclear',
  'deal',
  'deals',
  'dealer',
  'talks',
  'Pezeshkián',
  'Москва',
  'Москве',
  '北',
  '京',
  '2,500',
  '2500',
  '3.5',
  'and',
  'or',
  'AFP',
];
const SEPARATORS = [' ', ' ', ' ', ', ', '. ', '-', "'s ", '’s ', ' “', '” '];
const SOURCES = ['AFP', 'Reuters', 'Agence France-Presse (AFP)'];
const LANGS = ['en', 'EN', 'fr', 'en-GB'];

const QUERY_WORDS = [
  'iran',
  'Iran',
  'tirana',
  'drone',
  'drones',
  'city',
  'church',
  'sudani',
  'al-Sudani',
  'nuclear',
];
const MORE_QUERY_WORDS = [
  'deal',
  'talks',
  'Pezeshkian',
  'Москва',
  '北京',
  '2,500',
  '3.5',
  'and',
  'or',
  'afp',
  'france',
];
const PREFIXES = ['ira*', 'iran*', 'dro*', 'drone*', 'chur*', 'nucl*', 'Моск*', 'tal*', 'dea*', 'citi*'];
const PHRASE_WORDS = ['iran', 'nuclear', 'deal', 'talks', 'drone', 'al', 'sudani', 'city', 'afp', 'and'];

const text = (minWords: number, maxWords: number) =>
  fc
    .array(fc.tuple(fc.constantFrom(...ARTICLE_WORDS), fc.constantFrom(...SEPARATORS)), {
      minLength: minWords,
      maxLength: maxWords,
    })
    .map((parts) => parts.map(([word, separator]) => word + separator).join(''));

const articleArb: fc.Arbitrary<MatchableArticle> = fc.record({
  id: fc.constant('article'),
  title: text(0, 6),
  text: text(10, 60),
  source: fc.option(fc.constantFrom(...SOURCES), { nil: undefined }),
  lang: fc.option(fc.constantFrom(...LANGS), { nil: undefined }),
});

const wordArb = fc.constantFrom(...QUERY_WORDS, ...MORE_QUERY_WORDS);
const phraseArb = fc
  .tuple(fc.array(fc.constantFrom(...PHRASE_WORDS), { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([words, wildcard]) => `"${words.join(' ')}${wildcard ? ' dea*' : ''}"`);
const operandArb = fc.oneof(wordArb, fc.constantFrom(...PREFIXES), phraseArb);
const scopedArb = fc
  .tuple(fc.constantFrom('title:', 'source:', ''), operandArb)
  .map(([scope, operand]) => scope + operand);
const nearArb = fc
  .tuple(scopedArb, fc.integer({ min: 1, max: 4 }), scopedArb)
  .map(([left, distance, right]) => `${left} NEAR/${distance} ${right}`);
const positiveArb = fc.oneof({ weight: 3, arbitrary: scopedArb }, { weight: 1, arbitrary: nearArb });
const leafArb = fc.oneof(
  { weight: 4, arbitrary: positiveArb },
  { weight: 1, arbitrary: fc.constantFrom('lang:en', 'lang:fr') },
);

const { expression } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.tuple(tie('expression'), tie('expression')).map(([a, b]) => `(${a} OR ${b})`),
    fc.tuple(tie('expression'), tie('expression')).map(([a, b]) => `(${a} ${b})`),
    fc.tuple(tie('expression'), tie('expression')).map(([a, b]) => `(${a} AND ${b})`),
    leafArb.map((leaf) => `-${leaf}`),
    tie('expression').map((inner) => `NOT (${inner})`),
  ),
}));

// Every alternative keeps a positive anchor, so most generated queries are valid; the rest are skipped.
const queryArb = fc.oneof(
  fc
    .tuple(positiveArb, fc.option(expression, { nil: undefined }))
    .map(([anchor, rest]) => (rest === undefined ? anchor : `${anchor} ${rest}`)),
  fc
    .tuple(positiveArb, expression, positiveArb, expression)
    .map(([a, restA, b, restB]) => `(${a} ${restA}) OR (${b} ${restB})`),
);

function tryParse(query: string): ParsedQuery | undefined {
  try {
    return parseQuery(query);
  } catch (error) {
    if (error instanceof QueryError) return undefined;
    throw error;
  }
}

const topicsArb = fc.array(queryArb, { minLength: 1, maxLength: 15 }).map((queries) =>
  queries.flatMap((query, i) => {
    const parsed = tryParse(query);
    return parsed === undefined ? [] : [{ id: `topic-${String(i).padStart(2, '0')}`, query: parsed }];
  }),
);

describe('TopicIndex agrees with matchNaive', () => {
  it('on random queries and articles', () => {
    fc.assert(
      fc.property(topicsArb, fc.array(articleArb, { minLength: 1, maxLength: 4 }), (topics, articles) => {
        const index = TopicIndex.build(topics);
        for (const article of articles) {
          const tokenized = tokenizeArticle(article);
          expect(index.match(tokenized)).toEqual(matchNaive(topics, tokenized));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('after any sequence of adds, replacements and removals', () => {
    const operationArb = fc.oneof(
      fc.record({ type: fc.constant('add' as const), id: fc.integer({ min: 0, max: 5 }), query: queryArb }),
      fc.record({ type: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 5 }) }),
    );
    fc.assert(
      fc.property(fc.array(operationArb, { maxLength: 30 }), articleArb, (operations, article) => {
        const index = new TopicIndex();
        const model = new Map<string, ParsedQuery>();
        for (const operation of operations) {
          const id = `topic-${operation.id}`;
          if (operation.type === 'remove') {
            index.remove(id);
            model.delete(id);
            continue;
          }
          const parsed = tryParse(operation.query);
          if (parsed === undefined) continue;
          index.add(id, parsed);
          model.set(id, parsed);
        }
        expect(index.size).toBe(model.size);
        const topics = [...model].map(([id, query]) => ({ id, query }));
        expect(index.match(article)).toEqual(matchNaive(topics, article));
      }),
      { numRuns: 300 },
    );
  });

  it('is exercised on inputs that mostly parse and often match', () => {
    const samples = fc.sample(fc.tuple(topicsArb, articleArb), { numRuns: 300, seed: 42 });
    const topicCount = samples.reduce((sum, [topics]) => sum + topics.length, 0);
    const generated = fc.sample(queryArb, { numRuns: 1000, seed: 42 });
    const valid = generated.filter((query) => tryParse(query) !== undefined).length;
    const matched = samples.filter(([topics, article]) => matchNaive(topics, article).length > 0).length;
    expect(valid / generated.length).toBeGreaterThan(0.8);
    expect(topicCount).toBeGreaterThan(300);
    expect(matched / samples.length).toBeGreaterThan(0.35);
  });
});
