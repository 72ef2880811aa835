import { describe, expect, it } from 'vitest';
import { type ArticleFields, matchOne } from './match-both';

const text = (body: string): ArticleFields => ({ text: body });

describe('query language matching', () => {
  it.each<[string, string, ArticleFields, boolean]>([
    // words, case and accents
    ['case-insensitive', 'IRAN', text('talks in iran'), true],
    ['accent-insensitive query', 'Pezeshkián', text('President Pezeshkian said'), true],
    ['accent-insensitive article', 'pezeshkian', text('President PEZESHKIÁN said'), true],
    ['word boundary: not inside a longer word', 'Iran', text('Iranian officials'), false],
    ['word boundary: not inside another word', 'Iran', text('a visit to Tirana'), false],
    ['possessive in the article', 'Iran', text("Iran's nuclear plan"), true],
    ['curly possessive in the article', 'Iran', text('Iran’s nuclear plan'), true],
    ['possessive in the query', 'Iran’s', text('sanctions on Iran'), true],
    // plurals
    ['plural -s', 'drone', text('three drones were shot down'), true],
    ['plural -es', 'church', text('two churches burned'), true],
    ['plural -ies', 'city', text('several cities'), true],
    ['a plural query does not match the singular', 'drones', text('one drone'), false],
    ['a quoted word skips plurals', '"drone"', text('three drones'), false],
    ['plurals do not reach derived words', 'drone', text('droned on'), false],
    // wildcards
    ['prefix matches a longer word', 'Iran*', text('Iranian officials'), true],
    ['prefix matches a possessive', 'Iran*', text("Iran's plan"), true],
    ['prefix starts at a word start', 'Iran*', text('Tirana'), false],
    // phrases
    ['phrase in order', '"nuclear deal"', text('the nuclear deal was signed'), true],
    ['phrase out of order', '"nuclear deal"', text('a deal on nuclear power'), false],
    ['phrase with a gap', '"nuclear deal"', text('nuclear arms deal'), false],
    ['phrase across punctuation', '"nuclear deal"', text('nuclear: deal'), true],
    ['phrase normalised like words', '"PEZESHKIÁN visits"', text('Pezeshkian visits Baghdad'), true],
    ['phrase ending in a wildcard', '"nuclear dea*"', text('nuclear dealings'), true],
    ['curly-quoted phrase', '“nuclear deal”', text('the nuclear deal'), true],
    // boolean logic
    ['implicit AND needs both', 'Iran talks', text('Iran rejected it'), false],
    ['AND with both', 'Iran AND talks', text('talks with Iran'), true],
    ['OR with either', 'Iran OR Tehran', text('in Tehran today'), true],
    ['NOT excludes', 'Iran NOT Tirana', text('Iran and Tirana'), false],
    ['minus excludes', 'Iran -Tirana', text('Iran and Tirana'), false],
    ['minus keeps the rest', 'Iran -Tirana', text('Iran and Baghdad'), true],
    ['AND before OR: right side needs both', 'Iran OR Tehran talks', text('Tehran alone'), false],
    ['AND before OR: left side alone', 'Iran OR Tehran talks', text('Iran alone'), true],
    ['NOT before AND', 'NOT Tirana Iran', text('Iran in Tirana'), false],
    ['negation applies to its group only', 'Iran OR talks -Tirana', text('Iran and Tirana'), true],
    ['lower-case and is a word', 'war and peace', text('war, not peace'), false],
    ['lower-case or is a word', 'war or peace', text('war or peace'), true],
    // NEAR
    ['NEAR within distance', 'Iran NEAR/3 talks', text('Iran held new talks'), true],
    ['NEAR in either order', 'Iran NEAR/3 talks', text('talks held with Iran'), true],
    ['NEAR beyond distance', 'Iran NEAR/3 talks', text('Iran a b c talks'), false],
    ['NEAR/1 means adjacent', 'Iran NEAR/1 talks', text('talks Iran'), true],
    ['NEAR with a phrase', '"al sudani" NEAR/2 Iran', text('al Sudani visited Iran'), true],
    ['NEAR stays inside one field', 'Iran NEAR/5 talks', { title: 'Iran', text: 'talks' }, false],
    ['NEAR needs two occurrences', 'Iran NEAR/3 Iran*', text('Iran alone'), false],
    // scopes
    ['title scope in the title', 'title:Iran', { title: 'Iran talks', text: 'nothing' }, true],
    ['title scope ignores the body', 'title:Iran', { title: 'Talks', text: 'Iran' }, false],
    ['title phrase', 'title:"nuclear deal"', { title: 'A nuclear deal', text: '' }, true],
    ['plain words search title and body', 'Iran', { title: 'Iran talks', text: 'nothing' }, true],
    ['source scope', 'source:AFP', { text: 'x', source: 'Agence France-Presse (AFP)' }, true],
    [
      'source scope ignores the body',
      'source:AFP Iran',
      { text: 'AFP reports on Iran', source: 'Reuters' },
      false,
    ],
    ['plain words ignore the source', 'Reuters', { text: 'x', source: 'Reuters' }, false],
    ['lang matches the code', 'Iran lang:en', { text: 'Iran', lang: 'en' }, true],
    ['lang ignores case', 'Iran lang:EN', { text: 'Iran', lang: 'En' }, true],
    ['lang is exact', 'Iran lang:en', { text: 'Iran', lang: 'en-GB' }, false],
    ['lang needs a language', 'Iran lang:en', { text: 'Iran' }, false],
    ['excluding a language', 'Iran -lang:fr', { text: 'Iran', lang: 'fr' }, false],
    // scripts
    ['Arabic word', 'طهران', text('اجتماع في طهران اليوم'), true],
    ['Arabic word boundary', 'طهران', text('اجتماع طهرانية'), false],
    ['Arabic without harakat matches vowelled text', 'طهران', text('في طَهران'), true],
    ['Cyrillic word, any case', 'Москва', text('МОСКВА заявила'), true],
    ['Cyrillic boundary', 'Москва', text('москвами'), false],
    ['Cyrillic prefix', 'Москв*', text('в Москве'), true],
    ['Han inside a longer run', '北京', text('在北京市举行'), true],
    ['Han characters must be consecutive', '北京', text('北方的京'), false],
    ['Japanese', '東京', text('東京都で'), true],
    ['Korean', '서울', text('서울에서 열린'), true],
    ['emoji and symbols do not break matching', 'Iran', text('🇮🇷 Iran ✈️ → talks'), true],
    // hyphens, numbers, quotes
    ['hyphenated query matches hyphenated text', 'al-Sudani', text('Mohammed Shia al-Sudani said'), true],
    ['hyphenated query matches spaced text', 'al-Sudani', text('al Sudani said'), true],
    ['part of a hyphenated word', 'Sudani', text('al-Sudani said'), true],
    ['hyphenated query needs its order', 'al-Sudani', text('Sudani al'), false],
    ['number with separator matches plain', '2,500', text('2500 troops'), true],
    ['plain number matches separated', '2500', text('some 2,500 troops'), true],
    ['decimal stays distinct', '3.5', text('35 percent'), false],
    ['decimal matches itself', '3.5', text('grew 3.5%'), true],
  ])('%s: %s', (_rule, query, article, expected) => {
    expect(matchOne(query, article) !== undefined).toBe(expected);
  });
});

describe('match reports', () => {
  it('names the matched terms with their field and token positions', () => {
    const match = matchOne('title:Iran "nuclear deal" OR drone*', {
      title: 'Iran warns',
      text: 'The nuclear deal stalls as drones fly; the deal is off.',
    });
    expect(match).toEqual({
      topicId: 'topic',
      terms: ['"nuclear deal"', 'drone*', 'title:iran'],
      hits: [
        { term: '"nuclear deal"', field: 'text', positions: [1, 2] },
        { term: 'drone*', field: 'text', positions: [5] },
        { term: 'title:iran', field: 'title', positions: [0] },
      ],
    });
  });

  it('reports only the alternatives that matched, not negated or unmatched terms', () => {
    const match = matchOne('(Iran talks) OR (Tehran -Tirana)', { text: 'Iran and Tehran' });
    expect(match?.terms).toEqual(['tehran']);
  });

  it('reports a NEAR by the occurrences that are close enough', () => {
    const match = matchOne('Iran NEAR/2 talks', { text: 'Iran x y z talks Iran' });
    expect(match?.hits).toEqual([{ term: 'iran NEAR/2 talks', field: 'text', positions: [4, 5] }]);
  });

  it('reports a language hit without positions', () => {
    const match = matchOne('Iran lang:en', { text: 'Iran', lang: 'en' });
    expect(match?.hits).toContainEqual({ term: 'lang:en', field: 'lang', positions: [] });
  });
});
