import { describe, expect, it } from 'vitest';
import { parseWireCopy } from '../../lib/articles';
import { ValidationError } from '../../lib/errors';
import { WIRE_BODY as BODY, HOSTILE_WIRE_COPY, WIRE_LEAD as LEAD } from '../fixtures/hostile/markup';

// All sample copy below is invented for these tests.
const DATE_LINE = ' date 2024-09-11 Volunteers stack sandbags along the river bank in Harbourton. AFP';
const PUBLISHED = 'Published: Wed 11 Sep 2024, 3:52 PM Last updated: Wed 11 Sep 2024, 3:55 PM';
const FULL = `${DATE_LINE}\n${PUBLISHED}\n\n${BODY}`;

const FULL_EXPECTED = {
  text: BODY,
  publishedAt: '2024-09-11T15:52:00.000',
  updatedAt: '2024-09-11T15:55:00.000',
  caption: 'Volunteers stack sandbags along the river bank in Harbourton.',
  credit: 'AFP',
};

describe('parseWireCopy: the shape of agency copy', () => {
  it.each([
    { name: 'the full shape', raw: FULL, expected: FULL_EXPECTED },
    {
      name: 'without the date line',
      raw: `${PUBLISHED}\n\n${BODY}`,
      expected: {
        text: BODY,
        publishedAt: '2024-09-11T15:52:00.000',
        updatedAt: '2024-09-11T15:55:00.000',
      },
    },
    {
      name: 'without Published: the date line gives the day',
      raw: `${DATE_LINE}\n\n${BODY}`,
      expected: {
        text: BODY,
        publishedAt: '2024-09-11T00:00:00.000Z',
        caption: 'Volunteers stack sandbags along the river bank in Harbourton.',
        credit: 'AFP',
      },
    },
    {
      name: 'without Last updated',
      raw: `Published: Wed 11 Sep 2024, 3:52 PM\n\n${BODY}`,
      expected: { text: BODY, publishedAt: '2024-09-11T15:52:00.000' },
    },
    {
      name: 'Last updated on a line of its own',
      raw: `Published: Wed 11 Sep 2024, 3:52 PM\nLast updated: Thu 12 Sep 2024, 9:05 AM\n\n${BODY}`,
      expected: {
        text: BODY,
        publishedAt: '2024-09-11T15:52:00.000',
        updatedAt: '2024-09-12T09:05:00.000',
      },
    },
    { name: 'body only', raw: BODY, expected: { text: BODY } },
    {
      name: 'a blank line between the date and Published lines',
      raw: `${DATE_LINE}\n\n${PUBLISHED}\n\n${BODY}`,
      expected: FULL_EXPECTED,
    },
    { name: 'CRLF line endings', raw: FULL.replace(/\n/g, '\r\n'), expected: FULL_EXPECTED },
    {
      name: 'non-breaking spaces, zero-width spaces and soft hyphens',
      raw: `Published:\u00a0Wed\u00a011\u00a0Sep\u00a02024,\u00a03:52\u00a0PM\n\nThe coun\u00adcil\u00a0met\u200b on\u202fFriday.`,
      expected: { text: 'The council met on Friday.', publishedAt: '2024-09-11T15:52:00.000' },
    },
    {
      name: 'hard-wrapped paragraphs fold into one line each',
      raw: `The council met\non Friday\nevening.\n\n\n\nIt voted   to reopen\tthe bridge.`,
      expected: { text: 'The council met on Friday evening.\n\nIt voted to reopen the bridge.' },
    },
  ])('$name', ({ raw, expected }) => {
    expect(parseWireCopy(raw)).toEqual(expected);
  });
});

describe('parseWireCopy: Published and Last updated times (wall-clock time, its zone chosen later)', () => {
  it.each([
    ['Published: Wed 11 Sep 2024, 3:52 PM', '2024-09-11T15:52:00.000'],
    ['Published: Wed 11 Sep 2024 3:52 PM', '2024-09-11T15:52:00.000'],
    ['Published: Wed 11 Sep 2024, 15:52', '2024-09-11T15:52:00.000'],
    ['Published:   Wed   11  Sep  2024 ,   3:52   pm', '2024-09-11T15:52:00.000'],
    ['Published: 11 Sep 2024, 3:52PM', '2024-09-11T15:52:00.000'],
    ['Published: Wednesday, September 11, 2024, 3:52 p.m.', '2024-09-11T15:52:00.000'],
    ['Published: Sat 1 Feb 2025, 12:05 AM', '2025-02-01T00:05:00.000'],
    ['Published: Sat 1 Feb 2025, 12:30 PM', '2025-02-01T12:30:00.000'],
    ['Published: Sat 1 Feb 2025, 00:30', '2025-02-01T00:30:00.000'],
    ['Published: Thu 29 Feb 2024', '2024-02-29'],
  ])('%s', (line, publishedAt) => {
    expect(parseWireCopy(`${line}\n\n${BODY}`).publishedAt).toBe(publishedAt);
  });

  it('reads Last updated with a missing comma and extra spaces', () => {
    const copy = parseWireCopy(
      `Published: Wed 11 Sep 2024 3:52 PM   Last updated:Wed 11 Sep 2024  16:10\n\n${BODY}`,
    );
    expect(copy).toMatchObject({
      publishedAt: '2024-09-11T15:52:00.000',
      updatedAt: '2024-09-11T16:10:00.000',
    });
  });
});

describe('parseWireCopy: headlines', () => {
  it('takes a short first line without final punctuation, followed by a blank line, as the headline', () => {
    const copy = parseWireCopy(`Lark river floods Harbourton\n\n${PUBLISHED}\n\n${BODY}`);
    expect(copy).toEqual({
      title: 'Lark river floods Harbourton',
      text: BODY,
      publishedAt: '2024-09-11T15:52:00.000',
      updatedAt: '2024-09-11T15:55:00.000',
    });
  });

  it.each([
    { name: 'a headline directly followed by the body', raw: `Lark river floods Harbourton\n\n${BODY}` },
    {
      name: 'a headline followed by the date line',
      raw: `Lark river floods Harbourton\n\n${DATE_LINE}\n\n${BODY}`,
    },
  ])('finds the headline in $name', ({ raw }) => {
    expect(parseWireCopy(raw).title).toBe('Lark river floods Harbourton');
  });

  it.each([
    { name: 'it ends with a period', raw: `The river has flooded Harbourton.\n\n${BODY}` },
    { name: 'it ends with a question mark', raw: `Will the bridge reopen?\n\n${BODY}` },
    { name: 'no blank line follows it', raw: `Lark river floods Harbourton\n${BODY}` },
    { name: 'nothing follows it', raw: 'Lark river floods Harbourton' },
    {
      name: 'it comes after the Published line',
      raw: `${PUBLISHED}\n\nLark river floods Harbourton\n\n${BODY}`,
    },
    { name: 'it is longer than 150 characters', raw: `${'Flood '.repeat(26).trim()}\n\n${BODY}` },
  ])('treats the first line as body when $name', ({ raw }) => {
    const copy = parseWireCopy(raw);
    expect(copy.title).toBeUndefined();
    expect(copy.text.length).toBeGreaterThan(0);
  });

  it('keeps a non-headline first line as the first paragraph', () => {
    expect(parseWireCopy(`${PUBLISHED}\n\nLark river floods Harbourton\n\n${LEAD}`).text).toBe(
      `Lark river floods Harbourton\n\n${LEAD}`,
    );
    expect(parseWireCopy(`Lark river floods Harbourton\n${LEAD}`).text).toBe(
      `Lark river floods Harbourton ${LEAD}`,
    );
  });
});

describe('parseWireCopy: photo caption and credit', () => {
  it.each([
    ['Rescuers search the rubble. AFP', 'Rescuers search the rubble.', 'AFP'],
    ['Rescuers search the rubble in Harbourton AFP', 'Rescuers search the rubble in Harbourton', 'AFP'],
    [
      'Rescuers search the rubble in Harbourton. AFP/Getty Images',
      'Rescuers search the rubble in Harbourton.',
      'AFP/Getty Images',
    ],
    [
      'Rescuers search the rubble in Harbourton AFP/Getty Images',
      'Rescuers search the rubble in Harbourton',
      'AFP/Getty Images',
    ],
    ['Crowds gather near the port Reuters', 'Crowds gather near the port', 'Reuters'],
    ['Crowds gather near the port. Reuters/Ina Marsh', 'Crowds gather near the port.', 'Reuters/Ina Marsh'],
    ['Crowds gather near the port AP', 'Crowds gather near the port', 'AP'],
    ['Crowds gather near the port — EPA-EFE', 'Crowds gather near the port', 'EPA-EFE'],
    ['Crowds gather near the port. Photo: Ina Marsh', 'Crowds gather near the port.', 'Ina Marsh'],
    ['Crowds gather near the port. Harbour Police', 'Crowds gather near the port.', 'Harbour Police'],
    ['Tourists pose for a photo by the lake AFP', 'Tourists pose for a photo by the lake', 'AFP'],
    [
      'Crowds gather near the port AFP via Getty Images',
      'Crowds gather near the port',
      'AFP via Getty Images',
    ],
    ['AFP', undefined, 'AFP'],
  ])('%s', (rest, caption, credit) => {
    const copy = parseWireCopy(`date 2024-09-11 ${rest}\n\n${BODY}`);
    expect(copy.caption).toBe(caption);
    expect(copy.credit).toBe(credit);
  });

  it('keeps the whole caption when nothing marks off a credit', () => {
    const copy = parseWireCopy(`date 2024-09-11 Delegates arrive for talks at the UN\n\n${BODY}`);
    expect(copy).toMatchObject({ caption: 'Delegates arrive for talks at the UN' });
    expect(copy.credit).toBeUndefined();
  });

  it('accepts a date line with no caption', () => {
    expect(parseWireCopy(`date 2024-09-11\n\n${BODY}`)).toEqual({
      text: BODY,
      publishedAt: '2024-09-11T00:00:00.000Z',
    });
  });

  it('treats a paragraph that merely starts with "Date" as body', () => {
    const text = 'Date palms line the new promenade.';
    expect(parseWireCopy(text)).toEqual({ text });
  });
});

describe('parseWireCopy: Unicode text', () => {
  it.each([
    {
      name: 'Arabic',
      raw: 'فيضان نهر لارك\n\nPublished: Wed 11 Sep 2024, 3:52 PM\n\nأعلنت البلدية إغلاق المدارس يوم الأربعاء.\n\nوقال المسؤولون إن المياه ستنحسر.',
      expected: {
        title: 'فيضان نهر لارك',
        text: 'أعلنت البلدية إغلاق المدارس يوم الأربعاء.\n\nوقال المسؤولون إن المياه ستنحسر.',
        publishedAt: '2024-09-11T15:52:00.000',
      },
    },
    {
      name: 'Chinese',
      raw: '河水在周三漫过堤岸。\n\n当局已开放两个避难所。',
      expected: { text: '河水在周三漫过堤岸。\n\n当局已开放两个避难所。' },
    },
    {
      name: 'accents and emoji, composed to NFC',
      raw: 'Cafe\u0301 owners in Zürich welcome the 🌧️ after a dry summer.',
      expected: { text: 'Café owners in Zürich welcome the 🌧️ after a dry summer.' },
    },
  ])('$name', ({ raw, expected }) => {
    expect(parseWireCopy(raw)).toEqual(expected);
  });
});

describe('parseWireCopy: unusable copy', () => {
  it.each([
    { name: 'empty input', raw: '', code: 'empty_article', message: 'The article text is empty.' },
    {
      name: 'whitespace only',
      raw: '  \r\n\t\n\u00a0\u200b \n',
      code: 'empty_article',
      message: 'The article text is empty.',
    },
    {
      name: 'headers but no body',
      raw: `${DATE_LINE}\n${PUBLISHED}\n\n  \n`,
      code: 'empty_article',
      message: 'The article has no body text after its date and "Published:" lines.',
    },
    {
      name: 'an unreadable Published date',
      raw: `Published: sometime last week\n\n${BODY}`,
      code: 'invalid_article',
      message:
        'Could not read the date in "Published: sometime last week"; expected e.g. "Published: Wed 11 Sep 2024, 3:52 PM".',
    },
    {
      name: 'a day the month does not have',
      raw: `Published: Tue 31 Sep 2024, 3:52 PM\n\n${BODY}`,
      code: 'invalid_article',
      message:
        'Could not read the date in "Published: Tue 31 Sep 2024, 3:52 PM"; expected e.g. "Published: Wed 11 Sep 2024, 3:52 PM".',
    },
    {
      name: 'a 24-hour time marked PM',
      raw: `Published: Wed 11 Sep 2024, 15:52 PM\n\n${BODY}`,
      code: 'invalid_article',
      message:
        'Could not read the date in "Published: Wed 11 Sep 2024, 15:52 PM"; expected e.g. "Published: Wed 11 Sep 2024, 3:52 PM".',
    },
    {
      name: 'an unreadable Last updated date',
      raw: `Published: Wed 11 Sep 2024, 3:52 PM Last updated: soon\n\n${BODY}`,
      code: 'invalid_article',
      message:
        'Could not read the date in "Published: Wed 11 Sep 2024, 3:52 PM Last updated: soon"; expected e.g. "Published: Wed 11 Sep 2024, 3:52 PM".',
    },
    {
      name: 'an impossible date on the date line',
      raw: `date 2024-02-30 Rescuers search the rubble. AFP\n\n${BODY}`,
      code: 'invalid_article',
      message:
        'The date line "date 2024-02-30 Rescuers search the rubble. AFP" has no such calendar date as 2024-02-30.',
    },
  ])('rejects $name', ({ raw, code, message }) => {
    expect(() => parseWireCopy(raw)).toThrow(ValidationError);
    expect(() => parseWireCopy(raw)).toThrow(expect.objectContaining({ code, message, status: 400 }));
  });
});

describe('parseWireCopy: hostile input', () => {
  // How fast each is read is `npm run bench -- hostile-input`'s to measure.
  it.each(HOSTILE_WIRE_COPY)('still finds the story in %s', (_name, raw) => {
    expect(parseWireCopy(raw).text).toContain(LEAD);
  });
});
