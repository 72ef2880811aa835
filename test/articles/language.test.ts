import { describe, expect, it } from 'vitest';
import { normaliseArticle } from '../../lib/articles';
import { detectLanguage } from '../../lib/articles/language';

const now = new Date('2026-11-27T12:00:00Z');

describe('language detection for the lang: scope', () => {
  it.each([
    [
      'en',
      'The river burst its banks on Wednesday night and two shelters opened for families in the valley.',
    ],
    [
      'fr',
      'La rivière est sortie de son lit mercredi soir et deux refuges ont ouvert pour les familles de la vallée.',
    ],
    [
      'de',
      'Der Fluss ist am Mittwochabend über die Ufer getreten, und zwei Notunterkünfte haben für Familien geöffnet.',
    ],
    [
      'es',
      'El río se desbordó el miércoles por la noche y se abrieron dos refugios para las familias del valle.',
    ],
    ['ru', 'В среду вечером река вышла из берегов, и для семей в долине открылись два временных приюта.'],
    ['ar', 'فاض النهر مساء الأربعاء وافتتحت ملاجئ مؤقتة للعائلات في الوادي بعد أن غمرت المياه الطرق.'],
  ])('detects %s', (lang, text) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('says nothing for text too short to tell', () => {
    expect(detectLanguage('Iran and Iraq')).toBeUndefined();
  });

  it('fills an article’s language when the sender gave none, and keeps the one given', () => {
    const text =
      'The river burst its banks on Wednesday night and two shelters opened for families in the valley.';
    expect(normaliseArticle({ text }, now, detectLanguage).lang).toBe('en');
    expect(normaliseArticle({ text, lang: 'de' }, now, detectLanguage).lang).toBe('de');
    expect(normaliseArticle({ text }, now).lang, 'without a detector').toBeUndefined();
  });
});
