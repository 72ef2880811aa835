import { describe, expect, it } from 'vitest';
import { normaliseArticle, parseJsonArticle, parseJsonArticles } from '../../lib/articles';
import { ValidationError } from '../../lib/errors';

const TEXT = 'The Lark river burst its banks on Wednesday.\n\nTwo shelters opened overnight.';

describe('parseJsonArticle: valid bodies', () => {
  it.each([
    { name: 'text only', body: { text: TEXT }, expected: { text: TEXT } },
    {
      name: 'every field',
      body: {
        title: 'Lark river floods Harbourton',
        url: 'https://news.example.com/2024/09/lark-floods',
        text: TEXT,
        publishedAt: '2024-09-11T15:52:00Z',
        updatedAt: '2024-09-11T18:05:00+01:00',
        source: 'Harbourton Herald',
        lang: 'en',
      },
      expected: {
        title: 'Lark river floods Harbourton',
        url: 'https://news.example.com/2024/09/lark-floods',
        text: TEXT,
        publishedAt: '2024-09-11T15:52:00.000Z',
        updatedAt: '2024-09-11T17:05:00.000Z',
        source: 'Harbourton Herald',
        lang: 'en',
      },
    },
    {
      name: 'unknown fields, which are ignored',
      body: { text: TEXT, category: 'weather', tags: ['flood'], meta: { a: 1 } },
      expected: { text: TEXT },
    },
    {
      name: 'null and blank optional fields, which count as absent',
      body: { text: TEXT, title: null, url: '', publishedAt: '  ', source: null, lang: '' },
      expected: { text: TEXT },
    },
    {
      name: 'fields that are tidied: whitespace, host case, offset, language region',
      body: {
        text: `  ${TEXT}\n`,
        title: '  Lark river\nfloods   Harbourton ',
        url: 'HTTP://News.Example.COM/a',
        publishedAt: '2024-09-11T19:52:00+04:00',
        source: ' Harbourton\u00a0Herald ',
        lang: 'en-GB',
      },
      expected: {
        text: TEXT,
        title: 'Lark river floods Harbourton',
        url: 'http://news.example.com/a',
        publishedAt: '2024-09-11T15:52:00.000Z',
        source: 'Harbourton Herald',
        lang: 'en',
      },
    },
  ])('accepts $name', ({ body, expected }) => {
    expect(parseJsonArticle(body)).toEqual(expected);
  });

  it.each([
    // Without an offset the time stays wall-clock time, read later in the article's or its source's zone.
    ['2024-09-11', '2024-09-11'],
    ['2024-09-11T15:52:00.250Z', '2024-09-11T15:52:00.250Z'],
    ['2024-09-11T15:52Z', '2024-09-11T15:52:00.000Z'],
    ['2024-09-11T15:52:00', '2024-09-11T15:52:00.000'],
    ['2024-09-11 15:52:00-0530', '2024-09-11T21:22:00.000Z'],
    ['2024-09-11T01:00:00+02:00', '2024-09-10T23:00:00.000Z'],
  ])('reads publishedAt %s as %s', (publishedAt, expected) => {
    expect(parseJsonArticle({ text: TEXT, publishedAt }).publishedAt).toBe(expected);
  });

  it.each([
    ['EN', 'en'],
    ['ar', 'ar'],
    ['fil', 'fil'],
    ['zh-Hant-TW', 'zh'],
  ])('reads lang %s as %s', (lang, expected) => {
    expect(parseJsonArticle({ text: TEXT, lang }).lang).toBe(expected);
  });

  it('accepts a 300-character title counted in characters, not UTF-16 units', () => {
    const title = '🌊'.repeat(300);
    expect(parseJsonArticle({ text: TEXT, title }).title).toBe(title);
  });

  it('folds single newlines inside a paragraph once normalised', () => {
    const input = parseJsonArticle({ text: 'The river rose\novernight.\n\n\nShelters\r\nopened.' });
    expect(normaliseArticle(input, new Date('2024-09-12T00:00:00Z')).paragraphs).toEqual([
      'The river rose overnight.',
      'Shelters opened.',
    ]);
  });
});

describe('parseJsonArticle: invalid bodies', () => {
  it.each([
    {
      name: 'null',
      body: null,
      message: 'The article must be a JSON object such as {"text": "…"}, not null.',
    },
    {
      name: 'an array',
      body: [TEXT],
      message: 'The article must be a JSON object such as {"text": "…"}, not an array.',
    },
    {
      name: 'a string',
      body: TEXT,
      message: 'The article must be a JSON object such as {"text": "…"}, not a string.',
    },
    { name: 'missing text', body: {}, message: '"text" must be a non-empty string.' },
    { name: 'blank text', body: { text: ' \n\t\u00a0' }, message: '"text" must be a non-empty string.' },
    { name: 'numeric text', body: { text: 42 }, message: '"text" must be a non-empty string.' },
    {
      name: 'a numeric title',
      body: { text: TEXT, title: 5 },
      message: '"title" must be a string, not a number.',
    },
    {
      name: 'a 301-character title',
      body: { text: TEXT, title: 'x'.repeat(301) },
      message: '"title" must be at most 300 characters; it has 301.',
    },
    {
      name: 'an object url',
      body: { text: TEXT, url: {} },
      message: '"url" must be a string, not an object.',
    },
    {
      name: 'a relative url',
      body: { text: TEXT, url: '/news/1' },
      message: '"url" must be an absolute http(s) URL such as "https://example.com/news/1".',
    },
    {
      name: 'an ftp url',
      body: { text: TEXT, url: 'ftp://example.com/news/1' },
      message: '"url" must be an http(s) URL; "ftp:" links are not accepted.',
    },
    {
      name: 'a javascript url',
      body: { text: TEXT, url: 'javascript:alert(1)' },
      message: '"url" must be an http(s) URL; "javascript:" links are not accepted.',
    },
    {
      name: 'a url with credentials',
      body: { text: TEXT, url: 'https://editor:secret@example.com/news/1' },
      message: '"url" must not contain a user name or password.',
    },
    {
      name: 'an overlong url',
      body: { text: TEXT, url: `https://example.com/${'a'.repeat(2100)}` },
      message: '"url" must be at most 2048 characters.',
    },
    {
      name: 'a boolean publishedAt',
      body: { text: TEXT, publishedAt: true },
      message: '"publishedAt" must be a string, not a boolean.',
    },
    ...[
      'yesterday',
      '11/09/2024',
      '2024-13-01',
      '2024-02-30',
      '2024-09-11T24:00:00Z',
      '2024-09-11T10:00:00+25:00',
    ].map((publishedAt) => ({
      name: `publishedAt ${publishedAt}`,
      body: { text: TEXT, publishedAt },
      message: '"publishedAt" must be an ISO 8601 date such as "2024-09-11" or "2024-09-11T15:52:00Z".',
    })),
    {
      name: 'a 101-character source',
      body: { text: TEXT, source: 's'.repeat(101) },
      message: '"source" must be at most 100 characters; it has 101.',
    },
    {
      name: 'an array source',
      body: { text: TEXT, source: ['AFP'] },
      message: '"source" must be a string, not an array.',
    },
    ...['english', 'e', 'en_GB', 'e1'].map((lang) => ({
      name: `lang ${lang}`,
      body: { text: TEXT, lang },
      message: '"lang" must be a 2–3 letter language code such as "en" or "ar".',
    })),
    {
      name: 'a numeric lang',
      body: { text: TEXT, lang: 12 },
      message: '"lang" must be a string, not a number.',
    },
  ])('rejects $name', ({ body, message }) => {
    expect(() => parseJsonArticle(body)).toThrow(ValidationError);
    expect(() => parseJsonArticle(body)).toThrow(
      expect.objectContaining({ code: 'invalid_article', message }),
    );
  });
});

describe('a JSON list of articles', () => {
  it('parses each and names the one that is wrong', () => {
    expect(parseJsonArticles([{ text: 'One.' }, { text: 'Two.' }])).toHaveLength(2);
    expect(() => parseJsonArticles([{ text: 'One.' }, { title: 'no text' }])).toThrow(/^Article 2: "text"/);
    expect(() => parseJsonArticles([])).toThrow(/empty/);
    expect(() => parseJsonArticles(Array.from({ length: 101 }, () => ({ text: 'x' })))).toThrow(
      /at most 100/,
    );
  });
});

describe('a JSON list in an {"articles": [...]} envelope', () => {
  it('parses like a bare list, up to 100 articles', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => ({ text: `Story ${i + 1}.` }));
    expect(parseJsonArticles({ articles: hundred })).toHaveLength(100);
    expect(parseJsonArticles({ articles: [{ text: 'One.' }], sender: 'desk' })).toEqual([{ text: 'One.' }]);
  });

  it('refuses 101 articles, an empty list, a list that is not one and an object that is both', () => {
    const reasons = (body: unknown) => {
      try {
        parseJsonArticles(body);
      } catch (error) {
        return error instanceof ValidationError ? [error.code, error.message] : ['not a ValidationError'];
      }
      return ['accepted'];
    };
    const over = Array.from({ length: 101 }, () => ({ text: 'x' }));
    expect(reasons({ articles: over })).toEqual([
      'too_many_articles',
      'Send at most 100 articles in one request; this one has 101.',
    ]);
    expect(reasons({ articles: [] })).toEqual(['empty_article', 'The list of articles is empty.']);
    expect(reasons({ articles: { text: 'x' } })).toEqual([
      'invalid_article',
      '"articles" must be a list of article objects, not an object.',
    ]);
    expect(reasons({ articles: [], text: 'x' })[0]).toBe('invalid_article');
    expect(reasons({ articles: [{ text: 'x' }, { text: 3 }] })).toEqual([
      'invalid_article',
      'Article 2: "text" must be a non-empty string.',
    ]);
  });
});
