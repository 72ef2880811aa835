import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidSignatureError,
  isSameStory,
  NearDuplicateIndex,
  signatureBands,
  signatureSimilarity,
  storySignature,
} from '../../lib/articles/near-duplicate';

// Invented stories: the first as a wire service sent it, the second on the same subject but another event.
const WIRE_TITLE = 'Harbour bridge to reopen after storm repairs';
const WIRE = [
  'The Kellmoor harbour bridge will reopen to traffic on Friday morning, six weeks after a winter storm tore away part of its western railing and cracked two of its deck supports.',
  'Engineers from the regional roads authority worked through the night on Wednesday to finish the last concrete pour. The authority said the repairs had cost about 4,200,000 euros, close to its first estimate.',
  'Mayor Anneli Vorst said the closure had doubled journey times for commuters from the northern suburbs. "We are grateful for their patience and we are ready to open," she told reporters at the site.',
  'Cyclists will have a separate lane for the first time. The authority said the new lane was part of a plan agreed with residents before the storm and would have been built next year anyway.',
  'Ferry services added during the closure will stop on Sunday. The ferry operator said it would keep one early crossing for hospital staff until the end of the month.',
  'Traffic police will be on the bridge during the first morning rush hour. Drivers have been asked to leave extra time and to follow the temporary signs near the eastern ramp.',
];
// A second outlet's version: new headline, lead sentence reworded, paragraphs reordered, tail trimmed, an agency line.
const EDITED_TITLE = 'Kellmoor bridge opens again on Friday';
const EDITED = [
  'Engineers from the regional roads authority worked through the night on Wednesday to finish the last concrete pour. The authority said the repairs had cost about 4.2 million euros, close to its first estimate.',
  'The Kellmoor harbour bridge is to reopen to traffic on Friday morning, six weeks after a winter storm tore away part of its western railing and cracked two of its deck supports.',
  '"We are grateful for their patience and we are ready to open," Mayor Anneli Vorst told reporters at the site. She said the closure had doubled journey times for commuters from the northern suburbs.',
  'Cyclists will get a separate lane for the first time. The authority said the new lane was part of a plan agreed with residents before the storm and would have been built next year anyway.',
  '(Reporting by the Northern Wire desk; editing by staff.)',
];
// Same town, same bridge, different story.
const OTHER_TITLE = 'Kellmoor harbour bridge tolls to rise in spring';
const OTHER = [
  'Drivers crossing the Kellmoor harbour bridge will pay more from April, the regional roads authority said on Monday, after a vote by the council that was closer than expected.',
  'The toll for cars will rise by half a euro and for lorries by two euros. The authority said the money would go towards maintenance of the deck and the ramps over the next ten years.',
  'Mayor Anneli Vorst voted against the rise. She said commuters from the northern suburbs already paid too much and that the council should have looked at a congestion charge instead.',
  'Cyclists and pedestrians will still cross for free. A residents group said it would ask for a review of the decision at the next public meeting in the town hall.',
];

describe('story signatures', () => {
  const wire = storySignature(WIRE_TITLE, WIRE);
  const edited = storySignature(EDITED_TITLE, EDITED);
  const other = storySignature(OTHER_TITLE, OTHER);

  it('take an edited version (reordered, trimmed, reworded, new headline) for the same story', () => {
    expect(signatureSimilarity(wire, edited)).toBeGreaterThan(0.3);
    expect(isSameStory(wire, edited)).toBe(true);
  });

  it('tell a different story on the same subject apart', () => {
    expect(signatureSimilarity(wire, other)).toBeLessThan(0.15);
    expect(isSameStory(wire, other)).toBe(false);
    expect(isSameStory(edited, other)).toBe(false);
  });

  it('ignore quotes, spacing, case, paragraph breaks and sentence order', () => {
    const retyped = WIRE.map((p) => p.replaceAll('"', '“').replaceAll(' ', '  ').toUpperCase());
    expect(storySignature(WIRE_TITLE, retyped)).toBe(wire);
    expect(storySignature(WIRE_TITLE, [WIRE.join(' ')])).toBe(wire);
    expect(storySignature(WIRE_TITLE, [...WIRE].reverse())).toBe(wire);
  });

  it('are compact and URL-safe, with at most 16 short, key-safe bands', () => {
    expect(wire).toMatch(/^1[A-Za-z0-9_-]+$/);
    expect(wire.length).toBeLessThanOrEqual(240);
    const bands = signatureBands(wire);
    expect(bands.length).toBeLessThanOrEqual(16);
    for (const band of bands) expect(band).toMatch(/^[0-9a-f]{2,12}$/);
    expect(new Set(bands).size).toBe(bands.length);
  });

  it('share a band key between near-duplicates', () => {
    const shared = signatureBands(edited).filter((key) => signatureBands(wire).includes(key));
    expect(shared.length).toBeGreaterThan(0);
  });

  it('are the same for the same text on every run (stored keys stay valid)', () => {
    expect(storySignature(WIRE_TITLE, WIRE)).toBe(wire);
    expect(signatureBands(wire)).toEqual(signatureBands(storySignature(WIRE_TITLE, WIRE)));
    // Pinned: a change to the normaliser, hashes or bins changes these, and stored keys would be lost.
    expect(signatureBands(storySignature('Bridge', ['The bridge reopens on Friday.'])).slice(0, 2)).toEqual(
      signatureBands(storySignature('bridge', ['the bridge  reopens on friday'])).slice(0, 2),
    );
  });

  it('do not crash on empty, one-word or punctuation-only texts', () => {
    for (const [title, paragraphs] of [
      ['', []],
      ['', ['']],
      ['Storm', []],
      ['', ['Storm.']],
      ['!!!', ['…', '—']],
    ] as const) {
      const signature = storySignature(title, paragraphs);
      expect(signatureSimilarity(signature, signature)).toBe(1);
      expect(signatureBands(signature).length).toBeGreaterThan(0);
    }
    expect(isSameStory(storySignature('Storm', []), storySignature('Flood', []))).toBe(false);
  });

  it('reject a string that is not a signature', () => {
    expect(() => signatureSimilarity('nonsense', wire)).toThrow(InvalidSignatureError);
    expect(() => signatureBands('')).toThrow(InvalidSignatureError);
  });

  it('give identical text similarity 1, and signature and bands are pure functions', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string(), { maxLength: 5 }), (title, paragraphs) => {
        const signature = storySignature(title, paragraphs);
        expect(storySignature(title, [...paragraphs])).toBe(signature);
        expect(signatureBands(signature)).toEqual(signatureBands(signature));
        expect(signatureSimilarity(signature, storySignature(title, paragraphs))).toBe(1);
        expect(isSameStory(signature, signature)).toBe(true);
      }),
    );
  });

  it('estimate a similarity in [0, 1], the same both ways', () => {
    fc.assert(
      fc.property(fc.lorem({ maxCount: 40 }), fc.lorem({ maxCount: 40 }), (a, b) => {
        const [x, y] = [storySignature('', [a]), storySignature('', [b])];
        const similarity = signatureSimilarity(x, y);
        expect(similarity).toBeGreaterThanOrEqual(0);
        expect(similarity).toBeLessThanOrEqual(1);
        expect(signatureSimilarity(y, x)).toBe(similarity);
      }),
    );
  });
});

describe('NearDuplicateIndex', () => {
  it('finds the stored story an edited version came from, and nothing for a different story', () => {
    const index = new NearDuplicateIndex();
    index.add('wire', storySignature(WIRE_TITLE, WIRE));
    index.add('other', storySignature(OTHER_TITLE, OTHER));
    for (let i = 0; i < 2_000; i++)
      index.add(
        `filler-${i}`,
        storySignature(`Filler ${i}`, [`Story number ${i} of ${i * 7} words about item ${i % 13}.`]),
      );
    expect(index.size).toBe(2_002);
    const edited = storySignature(EDITED_TITLE, EDITED);
    expect(index.candidates(edited)).toContain('wire');
    expect(index.nearest(edited)?.id).toBe('wire');
    expect(
      index.nearest(storySignature('Ferry timetable for the winter', ['The ferry leaves at six.'])),
    ).toBeUndefined();
  });

  it('returns the best candidate at or above the given similarity', () => {
    const index = new NearDuplicateIndex();
    const wire = storySignature(WIRE_TITLE, WIRE);
    index.add('trimmed', storySignature(WIRE_TITLE, WIRE.slice(0, 3)));
    index.add('copy', wire);
    expect(index.nearest(wire)).toEqual({ id: 'copy', similarity: 1 });
    expect(index.nearest(wire, 1.01)).toBeUndefined();
  });
});
