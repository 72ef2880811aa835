import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Article,
  articleText,
  cutAtWordBoundary,
  MAX_BODY_CHARS,
  MAX_PARAGRAPHS,
  normaliseArticle,
  parseWireCopy,
  snippet,
} from '../../lib/articles';
import { detectLanguage } from '../../lib/articles/language';
import { storySignature } from '../../lib/articles/near-duplicate';
import { ValidationError } from '../../lib/errors';

const NOW = new Date('2024-09-12T08:00:00Z');
const LEAD = 'Heavy rain pushed the Lark river over its banks on Wednesday. Two shelters opened overnight.';
const SECOND = 'Schools stay closed until Friday.';

describe('normaliseArticle', () => {
  it('builds the stored article from wire copy: derived title, credit as source, the copy’s dates', () => {
    const input = parseWireCopy(
      `date 2024-09-11 Volunteers stack sandbags. AFP\nPublished: Wed 11 Sep 2024, 3:52 PM\n\n${LEAD}\n\n${SECOND}`,
    );
    const article = normaliseArticle(input, NOW, detectLanguage);
    expect(article).toEqual({
      id: article.fingerprint.slice(0, 20),
      // Its own story until ingest finds an earlier version of it.
      storyId: article.id,
      signature: storySignature(article.title, [LEAD, SECOND]),
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      title: 'Heavy rain pushed the Lark river over its banks on Wednesday',
      titleDerived: true,
      source: 'AFP',
      caption: 'Volunteers stack sandbags.',
      credit: 'AFP',
      paragraphs: [LEAD, SECOND],
      wordCount: 20,
      summary: 'Two shelters opened overnight. Schools stay closed until Friday.',
      lang: 'en',
      publishedAt: '2024-09-11T15:52:00.000Z',
      publishedZoneSource: 'assumed-utc',
      ingestedAt: '2024-09-12T08:00:00.000Z',
    });
  });

  it('keeps a given title, url, source and language, and omits absent fields', () => {
    const article = normaliseArticle(
      {
        text: LEAD,
        title: ' Lark  river floods ',
        url: 'https://news.example.com/1',
        source: 'Harbourton Herald',
        credit: 'AFP',
        lang: 'EN',
        updatedAt: '2024-09-11T16:00:00+01:00',
      },
      NOW,
    );
    expect(article).toMatchObject({
      title: 'Lark river floods',
      titleDerived: false,
      url: 'https://news.example.com/1',
      source: 'Harbourton Herald',
      credit: 'AFP',
      lang: 'en',
      updatedAt: '2024-09-11T15:00:00.000Z',
    });
    expect(Object.keys(normaliseArticle({ text: 'Lark river floods.' }, NOW)).sort()).toEqual(
      [
        'fingerprint',
        'id',
        'ingestedAt',
        'paragraphs',
        'publishedAt',
        'signature',
        'storyId',
        'summary',
        'title',
        'titleDerived',
        'wordCount',
      ].sort(),
    );
  });

  it('dates an undated article at the ingest time', () => {
    expect(normaliseArticle({ text: LEAD }, NOW)).toMatchObject({
      publishedAt: '2024-09-12T08:00:00.000Z',
      ingestedAt: '2024-09-12T08:00:00.000Z',
    });
  });

  it('derives the title when the given one is blank', () => {
    expect(normaliseArticle({ text: LEAD, title: '  ' }, NOW)).toMatchObject({ titleDerived: true });
  });

  it('accepts exactly the limits', () => {
    expect(normaliseArticle({ text: 'a'.repeat(MAX_BODY_CHARS) }, NOW).paragraphs[0]).toHaveLength(200_000);
    const paragraphs = Array.from({ length: MAX_PARAGRAPHS }, (_, i) => `p${i}`);
    expect(normaliseArticle({ text: paragraphs.join('\n\n') }, NOW).paragraphs).toHaveLength(2_000);
  });

  it.each([
    {
      name: 'a body over 200,000 characters',
      text: 'a'.repeat(200_001),
      code: 'article_too_large',
      message: 'The article body has 200,001 characters; at most 200,000 are accepted.',
    },
    {
      name: 'a body that fits in characters but not in one stored item (100,001 Chinese characters)',
      text: '中'.repeat(100_001),
      code: 'article_too_large',
      message: 'The article body takes 300,003 bytes as UTF-8; at most 300,000 are accepted.',
    },
    {
      name: 'more than 2,000 paragraphs',
      text: Array.from({ length: 2_001 }, () => 'p').join('\n\n'),
      code: 'article_too_large',
      message: 'The article has 2,001 paragraphs; at most 2,000 are accepted.',
    },
    { name: 'an empty body', text: ' \n\n ', code: 'empty_article', message: 'The article text is empty.' },
    {
      name: 'a body of punctuation only',
      text: '... — !!!',
      code: 'invalid_article',
      message: 'The article text has no letters or digits.',
    },
  ])('rejects $name', ({ text, code, message }) => {
    expect(() => normaliseArticle({ text }, NOW)).toThrow(ValidationError);
    expect(() => normaliseArticle({ text }, NOW)).toThrow(expect.objectContaining({ code, message }));
  });

  it('rejects a publishedAt that is not an ISO date', () => {
    expect(() => normaliseArticle({ text: LEAD, publishedAt: 'Wed 11 Sep' }, NOW)).toThrow(
      expect.objectContaining({ code: 'invalid_article', message: expect.stringContaining('"publishedAt"') }),
    );
  });

  it('gives the same article back when its text is ingested again', () => {
    const first = normaliseArticle({ text: `${LEAD}\n\n${SECOND}` }, NOW);
    const again = normaliseArticle(parseWireCopy(articleText(first)), new Date('2024-09-13T00:00:00Z'));
    expect(again).toMatchObject({ id: first.id, paragraphs: first.paragraphs, title: first.title });
  });
});

describe('articleText', () => {
  it('joins paragraphs with blank lines', () => {
    expect(articleText(normaliseArticle({ text: `${LEAD}\n${SECOND}\n\n\n${SECOND}` }, NOW))).toBe(
      `${LEAD} ${SECOND}\n\n${SECOND}`,
    );
  });
});

describe('snippet', () => {
  // Given a headline, so the snippet opens with the lead: these cases are about where it is cut.
  const article: Article = normaliseArticle(
    {
      title: 'Lark river floods',
      text: 'The river rose two metres overnight.\n\nSchools, shops, and roads closed.',
    },
    NOW,
  );

  it.each([
    [200, 'The river rose two metres overnight. Schools, shops, and roads closed.'],
    [70, 'The river rose two metres overnight. Schools, shops, and roads closed.'],
    [69, 'The river rose two metres overnight. Schools, shops, and roads…'],
    [20, 'The river rose two…'],
    [19, 'The river rose two…'],
    [18, 'The river rose…'],
    [51, 'The river rose two metres overnight. Schools…'],
    [52, 'The river rose two metres overnight. Schools, shops…'],
    [1, '…'],
  ])('at most %i characters: %s', (maxChars, expected) => {
    expect(snippet(article, maxChars)).toBe(expected);
  });

  it('rejects a non-positive length', () => {
    expect(() => snippet(article, 0)).toThrow(RangeError);
  });

  it('under a headline derived from the whole lead sentence, starts at the next sentence', () => {
    const derived = normaliseArticle({ text: `${LEAD}\n\n${SECOND}` }, NOW);
    expect(derived.title).toBe('Heavy rain pushed the Lark river over its banks on Wednesday');
    expect(snippet(derived, 200)).toBe(`Two shelters opened overnight. ${SECOND}`);
  });

  it('under a headline cut from the lead sentence, goes on with the rest of that sentence', () => {
    const derived = normaliseArticle(
      {
        text: 'Valdorian President Ilse Marant arrived in Korvassa on Wednesday on her first trip abroad, signalling the weight she gives to ties with the republic.\n\nShe meets the prime minister on Thursday.',
      },
      NOW,
    );
    expect(derived.title).toBe(
      'Valdorian President Ilse Marant arrived in Korvassa on Wednesday on her first trip abroad',
    );
    expect(snippet(derived, 200)).toBe(
      '…signalling the weight she gives to ties with the republic. She meets the prime minister on Thursday.',
    );
  });

  it('is empty when the derived headline is all the article says', () => {
    expect(snippet(normaliseArticle({ text: 'Lark river floods.' }, NOW), 200)).toBe('');
  });
});

describe('cutAtWordBoundary', () => {
  it('cuts a single overlong word between characters', () => {
    expect(cutAtWordBoundary('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
  });

  it('never splits an emoji or other surrogate pair', () => {
    expect(cutAtWordBoundary('🌊'.repeat(20), 5)).toBe('🌊🌊🌊🌊…');
  });

  it('cuts text without spaces at a word boundary', () => {
    const text = '河水在周三漫过堤岸当局已开放两个避难所';
    const cut = cutAtWordBoundary(text, 8);
    expect(cut.endsWith('…')).toBe(true);
    expect(text.startsWith(cut.slice(0, -1))).toBe(true);
    expect(Array.from(cut).length).toBeLessThanOrEqual(8);
  });

  it('does not let an early space in unspaced text waste the room', () => {
    const text = `Tokyo ${'河水在周三漫过堤岸当局已开放两个避难所'.repeat(3)}`;
    const cut = cutAtWordBoundary(text, 20);
    expect(text.startsWith(cut.slice(0, -1))).toBe(true);
    expect(Array.from(cut).length).toBeGreaterThanOrEqual(15);
    expect(Array.from(cut).length).toBeLessThanOrEqual(20);
  });

  it('returns a prefix of the text plus an ellipsis, within the limit, for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 1, max: 120 }),
        (text, max) => {
          const cut = cutAtWordBoundary(text, max);
          expect(Array.from(cut).length).toBeLessThanOrEqual(max);
          if (cut !== text) {
            expect(cut.endsWith('…')).toBe(true);
            expect(text.startsWith(cut.slice(0, -1))).toBe(true);
          }
        },
      ),
    );
  });
});

describe('the stored word count and summary', () => {
  it('counts the words of the body, joined forms as one, punctuation and numbers as they read', () => {
    const article = normaliseArticle(
      {
        title: 'Ferry strike',
        text: "Crews won't sail the Isle-of-Wight route.\n\nTalks resume at 9.30 on Tuesday — 40% of sailings are cut.",
      },
      NOW,
    );
    // won't · Isle-of-Wight · 9.30 · 40 each count once; the dash is no word.
    expect(article.wordCount).toBe(17);
  });

  it('counts CJK and Thai text, written without spaces, word by word rather than as one', () => {
    const japanese = normaliseArticle(
      { title: '防災', text: '東京都の知事は記者会見で新しい防災計画について話した。' },
      NOW,
    );
    expect(japanese.wordCount).toBeGreaterThan(8);
    const thai = normaliseArticle({ title: 'ฝน', text: 'ฝนตกหนักในกรุงเทพเมื่อคืนนี้' }, NOW);
    expect(thai.wordCount).toBeGreaterThan(3);
    const mixed = normaliseArticle({ title: 'Tokyo', text: 'Tokyo 東京 hosted the 2025 summit.' }, NOW);
    expect(mixed.wordCount).toBe(6);
  });

  it('summarises a one-paragraph article as that paragraph', () => {
    const article = normaliseArticle({ title: 'Lark river floods', text: LEAD }, NOW);
    expect(article.summary).toBe(LEAD);
  });

  it('cuts a first paragraph longer than 300 characters between words, with an ellipsis', () => {
    const long = `${'The harbour board met again on Monday to weigh the dredging plan, '.repeat(6)}and voted.`;
    const article = normaliseArticle({ title: 'Dredging plan', text: `${long}\n\n${SECOND}` }, NOW);
    expect(Array.from(article.summary).length).toBeLessThanOrEqual(300);
    expect(article.summary).toMatch(/ [a-z]+…$/);
    expect(long.startsWith(article.summary.slice(0, -1))).toBe(true);
  });

  it('counts its 300 characters in code points, so Arabic, CJK and emoji are not cut short or split', () => {
    const text = `${'قالت السلطات إن المياه ارتفعت مترين خلال الليل 🌊 '.repeat(12)}`;
    const article = normaliseArticle({ title: 'فيضان', text }, NOW);
    const chars = Array.from(article.summary);
    expect(chars.length).toBeGreaterThan(280);
    expect(chars.length).toBeLessThanOrEqual(300);
    expect(article.summary).not.toMatch(/[\uD800-\uDBFF]…$/);
  });

  it('opens after what a derived headline already says, so a listing does not repeat it', () => {
    const article = normaliseArticle({ text: `${LEAD}\n\n${SECOND}` }, NOW);
    expect(article.summary).toBe(`Two shelters opened overnight. ${SECOND}`);
  });

  it('counts one word and has an empty summary for an article of one word, its own headline', () => {
    const article = normaliseArticle({ text: 'Ceasefire.' }, NOW);
    expect(article).toMatchObject({ title: 'Ceasefire', wordCount: 1, summary: '' });
    expect(normaliseArticle({ title: 'Breaking', text: 'Ceasefire.' }, NOW).summary).toBe('Ceasefire.');
  });
});
