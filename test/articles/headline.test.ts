import { describe, expect, it } from 'vitest';
import { deriveHeadline } from '../../lib/articles';

describe('deriveHeadline', () => {
  it.each([
    [
      'The council approved the budget on Tuesday. Opposition members walked out.',
      'The council approved the budget on Tuesday',
    ],
    [
      'Mr. Okafor said the U.S. Treasury would respond. Markets fell.',
      'Mr. Okafor said the U.S. Treasury would respond',
    ],
    [
      'Prices rose 3.5 per cent in August, the bureau said. Economists expected less.',
      'Prices rose 3.5 per cent in August, the bureau said',
    ],
    [
      'Dr. Lena Voss, e.g. the lead author, disagreed. She wrote to the board.',
      'Dr. Lena Voss, e.g. the lead author, disagreed',
    ],
    [
      'The report by J. R. Hale was published on Jan. 5 in Harbourton. It ran to 90 pages.',
      'The report by J. R. Hale was published on Jan. 5 in Harbourton',
    ],
    [
      'Gov. Mira Stone signed bill No. 12 into law. Critics objected.',
      'Gov. Mira Stone signed bill No. 12 into law',
    ],
    ['Will the bridge reopen? Engineers are unsure.', 'Will the bridge reopen?'],
    ['Crews rescued 40 people! More remain stranded.', 'Crews rescued 40 people!'],
    ['“We are ready,” the mayor said. Crews were on standby.', '“We are ready,” the mayor said'],
    ['The mayor said: “We are ready.” Crews were on standby.', 'The mayor said: “We are ready.”'],
    ['Talks were held in the U.S.', 'Talks were held in the U.S.'],
    ['Floods close schools in Harbourton', 'Floods close schools in Harbourton'],
    ['See www.example.com for updates. Lines are open.', 'See www.example.com for updates'],
    [
      'أعلنت البلدية إغلاق المدارس يوم الأربعاء. وقال المسؤولون إن المياه ستنحسر.',
      'أعلنت البلدية إغلاق المدارس يوم الأربعاء',
    ],
    ['河水在周三漫过堤岸。当局已开放两个避难所。', '河水在周三漫过堤岸。'],
  ])('%s', (paragraph, headline) => {
    expect(deriveHeadline(paragraph)).toBe(headline);
  });

  it.each([
    [
      'Iranian President Masoud Pezeshkian visited Iraq on Wednesday on his first foreign trip, signalling the importance his government places on ties with its neighbour.',
      'Iranian President Masoud Pezeshkian visited Iraq on Wednesday on his first foreign trip',
    ],
    [
      'The Stellbrook reservoir has fallen to 31 per cent of its capacity, which the regional water board says is the lowest level recorded since 1962.',
      'The Stellbrook reservoir has fallen to 31 per cent of its capacity',
    ],
    [
      'The city of Pellham will make its buses free for everyone under 21 from January — a measure the council says will cost 9 million a year.',
      'The city of Pellham will make its buses free for everyone under 21 from January',
    ],
    [
      'Transport Minister Odile Farran resigned on Friday after an inquiry found that her office had approved contracts worth 12 million crowns.',
      'Transport Minister Odile Farran resigned on Friday',
    ],
  ])('stops a long lead sentence before the clause that only adds to it: %s', (paragraph, headline) => {
    expect(deriveHeadline(paragraph)).toBe(headline);
  });

  it('cuts between words, with an ellipsis, only when no clause fits, and not on a word that opens a phrase', () => {
    // The only clause ("as the river kept rising") starts past 90 characters; the words before the cut
    // ("to higher ground as the") would promise a phrase the headline never gives.
    const lead =
      'Residents of the low-lying eastern districts were told on Wednesday evening to move to higher ground as the river kept rising.';
    expect(deriveHeadline(lead)).toBe(
      'Residents of the low-lying eastern districts were told on Wednesday evening to move…',
    );
  });

  it('keeps a 90-character lead whole and cuts a 91-character one', () => {
    const words = 'word '.repeat(17);
    expect(`${words}abcde`.length).toBe(90);
    expect(deriveHeadline(`${words}abcde`)).toBe(`${words}abcde`);
    expect(deriveHeadline(`${words}abcdef`)).toBe(`${words.trim()}…`);
  });

  it.each([
    ['a long run of periods', `a${'.'.repeat(80_000)}b`],
    ['thousands of abbreviations', `${'Mr. '.repeat(20_000)}x`],
    ['thousands of initialisms', `${'U.S. '.repeat(16_000)}x`],
    ['one unspaced word', `${'x'.repeat(80_000)}.`],
  ])(
    'stays fast on %s',
    (_name, paragraph) => {
      expect(Array.from(deriveHeadline(paragraph)).length).toBeLessThanOrEqual(90);
    },
    5_000,
  );
});
