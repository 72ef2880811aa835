import { describe, expect, it } from 'vitest';
import { tokenizeArticle, tokenizeText } from '../../lib/query';

describe('tokenizeText', () => {
  it.each([
    ['folds case', 'IRAN Iran iran', ['iran', 'iran', 'iran']],
    ['strips accents', 'Pezeshkián Ñandú façade', ['pezeshkian', 'nandu', 'facade']],
    ['splits on punctuation', 'talks: Iran, (Tehran); "deal"!', ['talks', 'iran', 'tehran', 'deal']],
    ['splits hyphenated words', 'al-Sudani pro‑Western', ['al', 'sudani', 'pro', 'western']],
    ['drops a straight possessive', "Iran's plan", ['iran', 'plan']],
    ['drops a curly possessive', 'IRAN’S plan', ['iran', 'plan']],
    ['splits other apostrophes', "O'Brien don’t", ['o', 'brien', 'don', 't']],
    [
      'joins thousands separators',
      '2,500 troops and 1,000,000 people',
      ['2500', 'troops', 'and', '1000000', 'people'],
    ],
    ['keeps decimal points', '3.5% growth', ['3.5', 'growth']],
    ['ends a number at a trailing comma', 'in 2024, then', ['in', '2024', 'then']],
    ['folds compatibility forms', 'Ｆｕｌｌ ﬁnal', ['full', 'final']],
    [
      'ignores soft hyphens and zero-width spaces',
      'inter\u00adnational Teh\u200bran',
      ['international', 'tehran'],
    ],
    [
      'keeps Arabic words whole, dropping harakat and hamza marks',
      'رئيس إيران طَهران',
      ['رييس', 'ايران', 'طهران'],
    ],
    ['keeps Cyrillic words whole', 'Президент в Москве', ['президент', 'в', 'москве']],
    ['splits Han into characters', '北京市举行', ['北', '京', '市', '举', '行']],
    ['splits Kana and Hangul into characters', '東京 한국', ['東', '京', '한', '국']],
    ['separates digits from Han', '2024年', ['2024', '年']],
    ['returns nothing for punctuation and emoji', '— !! 🇮🇷 ...', []],
  ])('%s', (_rule, text, tokens) => {
    expect(tokenizeText(text)).toEqual(tokens);
  });
});

describe('tokenizeArticle', () => {
  it('keeps positions per field and the lower-cased language', () => {
    const article = tokenizeArticle({
      id: 'a',
      title: 'Iran talks',
      text: 'Talks with Iran resume; talks stalled.',
      source: 'AFP',
      lang: 'EN',
    });
    expect(article.fields.title.tokens).toEqual(['iran', 'talks']);
    expect(article.fields.text.positions.get('talks')).toEqual([0, 4]);
    expect(article.fields.source.tokens).toEqual(['afp']);
    expect(article.lang).toBe('en');
    expect([...article.distinctTokens].sort()).toEqual(['afp', 'iran', 'resume', 'stalled', 'talks', 'with']);
  });

  it('treats a missing source and a blank language as absent', () => {
    const article = tokenizeArticle({ id: 'a', title: 'x', text: 'y', lang: ' ' });
    expect(article.fields.source.tokens).toEqual([]);
    expect(article.lang).toBeUndefined();
  });
});
