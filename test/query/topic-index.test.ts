import { describe, expect, it } from 'vitest';
import {
  matchNaive,
  type ParsedQuery,
  parseQuery,
  QueryError,
  TopicIndex,
  type TopicMatch,
  tokenizeArticle,
} from '../../lib/query';

const article = {
  id: 'a1',
  title: 'Iran and Iraq talks',
  text: 'Officials from Tehran met al-Sudani in Baghdad; drones were discussed.',
};

const ids = (matches: readonly TopicMatch[]) => matches.map((match) => match.topicId);

describe('TopicIndex', () => {
  it('returns matching topics sorted by id', () => {
    const index = TopicIndex.build([
      { id: 'z-iraq', query: 'Iraq' },
      { id: 'a-tehran', query: 'Tehran' },
      { id: 'm-paris', query: 'Paris' },
      { id: 'b-drone', query: 'drone' },
    ]);
    expect(ids(index.match(article))).toEqual(['a-tehran', 'b-drone', 'z-iraq']);
  });

  it('accepts an already tokenized article and parsed queries', () => {
    const index = TopicIndex.build([{ id: 't', query: parseQuery('al-Sudani Baghdad') }]);
    expect(ids(index.match(tokenizeArticle(article)))).toEqual(['t']);
  });

  it('adds, replaces and removes topics incrementally', () => {
    const index = new TopicIndex();
    index.add('t1', 'Tehran');
    index.add('t2', 'Tehran Baghdad');
    index.add('t3', 'Paris*');
    expect(index.size).toBe(3);
    expect(ids(index.match(article))).toEqual(['t1', 't2']);

    index.add('t1', 'Paris');
    expect(index.size).toBe(3);
    expect(ids(index.match(article))).toEqual(['t2']);

    index.remove('t2');
    index.remove('never-added');
    expect(index.size).toBe(2);
    expect(index.has('t2')).toBe(false);
    expect(index.match(article)).toEqual([]);

    index.add('t4', 'Tehran OR Paris*');
    expect(ids(index.match(article))).toEqual(['t4']);
  });

  it('keeps the previous query when an update is invalid', () => {
    const index = new TopicIndex();
    index.add('t1', 'Tehran');
    expect(() => index.add('t1', 'Tehran AND')).toThrow(QueryError);
    expect(ids(index.match(article))).toEqual(['t1']);
  });

  it('keeps shared terms working after one of their topics is removed', () => {
    const index = new TopicIndex();
    index.add('t1', 'drone* Tehran');
    index.add('t2', 'drone* Baghdad');
    index.add('t3', 'drone*');
    index.remove('t1');
    index.remove('t3');
    expect(ids(index.match(article))).toEqual(['t2']);
  });

  it('reuses freed space without mixing up topics', () => {
    const index = new TopicIndex();
    for (let i = 0; i < 100; i++) index.add(`old-${i}`, i % 2 === 0 ? 'Tehran' : 'Paris');
    for (let i = 0; i < 100; i++) index.remove(`old-${i}`);
    index.add('new-1', 'Paris');
    index.add('new-2', 'Baghdad -Paris');
    expect(index.size).toBe(2);
    expect(ids(index.match(article))).toEqual(['new-2']);
  });

  it('stays exact through heavy churn, long enough to compact its storage', () => {
    const queries = [
      'Tehran',
      'Baghdad -Paris',
      '"al sudani" Baghdad',
      'drone* Iraq',
      'Paris OR Tehran',
      'title:Iran talks',
      'Iraq NEAR/3 talks',
      'officials from',
    ].map(parseQuery);
    const index = new TopicIndex();
    const model = new Map<string, ParsedQuery>();
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // The low bits of this generator cycle quickly; the high ones do not.
      return Math.floor(seed / 65536) % n;
    };
    for (let i = 0; i < 6000; i++) {
      const id = `t${next(300)}`;
      const query = queries[next(queries.length)];
      if (next(4) === 0 || query === undefined) {
        index.remove(id);
        model.delete(id);
      } else {
        index.add(id, query);
        model.set(id, query);
      }
    }
    const expected = matchNaive(
      [...model].map(([id, query]) => ({ id, query })),
      article,
    );
    expect(index.size).toBe(model.size);
    expect(expected.length).toBeGreaterThan(50);
    expect(index.match(article)).toEqual(expected);
  });

  it('merges the terms of every matching alternative of a topic', () => {
    const index = TopicIndex.build([{ id: 't', query: 'Tehran OR Baghdad OR Paris' }]);
    expect(index.match(article)[0]?.terms).toEqual(['baghdad', 'tehran']);
  });

  it('finds the same matches whichever word it keys a clause on', () => {
    const topics = [
      { id: 't1', query: 'Tehran Baghdad -Paris' },
      { id: 't2', query: '"al sudani" NEAR/3 Baghdad' },
      { id: 't3', query: 'drone* Iraq' },
    ];
    const byLength = TopicIndex.build(topics).match(article);
    const inverted = TopicIndex.build(topics, { termFrequency: (word) => word.length }).match(article);
    expect(ids(byLength)).toEqual(['t1', 't2', 't3']);
    expect(inverted).toEqual(byLength);
  });

  it('names the failing topic when build meets an invalid query', () => {
    expect(() => TopicIndex.build([{ id: 'broken', query: 'Iran AND' }])).toThrow(
      'Topic broken: AND at column 6 needs a term after it',
    );
  });

  it('skips invalid topics when build is given onInvalid', () => {
    const invalid: string[] = [];
    const index = TopicIndex.build(
      [
        { id: 'ok', query: 'Tehran' },
        { id: 'broken', query: '-Tehran' },
      ],
      { onInvalid: (id, error) => invalid.push(`${id}: ${error.code}`) },
    );
    expect(invalid).toEqual(['broken: invalid_query']);
    expect(index.size).toBe(1);
    expect(ids(index.match(article))).toEqual(['ok']);
  });
});
