import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseArticle, parseJsonArticle, parseWireCopy } from '../../lib/articles';

const NOW = new Date('2024-09-12T08:00:00Z');
const fingerprintOf = (text: string) => normaliseArticle({ text }, NOW).fingerprint;

const STORY =
  'The mayor said "we are ready" - and crews worked through the night.\n\nThe bridge reopens on Friday.';

describe('fingerprint', () => {
  it('is the sha256 of the lower-cased body with punctuation and spacing collapsed', () => {
    const article = normaliseArticle({ text: 'Hello,   World!' }, NOW);
    expect(article.fingerprint).toBe(createHash('sha256').update('hello world').digest('hex'));
    expect(article.id).toBe(article.fingerprint.slice(0, 20));
    expect(article.id).toMatch(/^[0-9a-f]{20}$/);
  });

  it.each([
    [
      'curly quotes and an en dash',
      'The mayor said “we are ready” – and crews worked through the night.\n\nThe bridge reopens on Friday.',
    ],
    [
      'extra spaces and tabs',
      'The  mayor said "we are ready"  -  and\tcrews worked through the night.\n\nThe bridge   reopens on Friday.',
    ],
    [
      'different paragraph and line breaks',
      'The mayor said "we are ready" - and crews\nworked through the night.\n\n\n\nThe bridge reopens\non Friday.',
    ],
    ['CRLF line endings', STORY.replace(/\n/g, '\r\n')],
    ['non-breaking spaces', STORY.replace(/ /g, '\u00a0')],
    ['different letter case', STORY.toUpperCase()],
    ['full-width letters (NFKC)', STORY.replace('Friday', 'Ｆｒｉｄａｙ')],
  ])('is the same under %s', (_name, variant) => {
    expect(fingerprintOf(variant)).toBe(fingerprintOf(STORY));
  });

  it('is the same for composed and decomposed accents', () => {
    const composed = 'Caf\u00e9 owners in Z\u00fcrich cheer.';
    expect(fingerprintOf('Cafe\u0301 owners in Zu\u0308rich cheer.')).toBe(fingerprintOf(composed));
  });

  it.each([
    ['a changed word', STORY.replace('Friday', 'Monday')],
    ['a changed number', STORY.replace('Friday', 'Friday at 2.5')],
    [
      'swapped paragraphs',
      'The bridge reopens on Friday.\n\nThe mayor said "we are ready" - and crews worked through the night.',
    ],
    ['a missing sentence', 'The bridge reopens on Friday.'],
  ])('differs for %s', (_name, variant) => {
    expect(fingerprintOf(variant)).not.toBe(fingerprintOf(STORY));
  });

  it('gives the same id to the same story sent as wire copy and as JSON, headline and all', () => {
    const wire = normaliseArticle(
      parseWireCopy(`Bridge to reopen\n\nPublished: Wed 11 Sep 2024, 3:52 PM\n\n${STORY}`),
      NOW,
    );
    const json = normaliseArticle(
      parseJsonArticle({ text: STORY.replace(/"/g, '“'), title: 'Bridge to Reopen!' }),
      NOW,
    );
    expect(json.id).toBe(wire.id);
    // Without a headline it is another article (its id is the body's), with the same body fingerprint.
    const untitled = normaliseArticle(parseWireCopy(STORY), NOW);
    expect(untitled.id).not.toBe(wire.id);
    expect(untitled.fingerprint).toBe(wire.fingerprint);
  });

  it('takes the id from the canonical URL when there is one, whatever the text says', () => {
    const at = (url: string, text: string) => normaliseArticle({ url, text, title: 'Bridge' }, NOW).id;
    const id = at('https://news.example/bridge?utm_source=x#top', STORY);
    expect(at('https://news.example/bridge', 'A corrected text.')).toBe(id);
    expect(at('https://news.example/other', STORY)).not.toBe(id);
    expect(id).toMatch(/^[0-9a-f]{20}$/);
  });

  it('ignores how words are separated, for any words', () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    const separator = fc.constantFrom(' ', '  ', '\n', '\n\n', ', ', ' — ', '\u00a0', '" ', '\t');
    fc.assert(
      fc.property(fc.array(fc.tuple(word, separator), { minLength: 1, maxLength: 30 }), (pairs) => {
        const plain = pairs.map(([w]) => w).join(' ');
        const messy = pairs.map(([w, s]) => w + s).join('');
        expect(fingerprintOf(messy)).toBe(fingerprintOf(plain));
      }),
    );
  });
});
