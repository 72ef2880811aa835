import { describe, expect, it } from 'vitest';
import { isArticleId } from '../../lib/articles/article-id';
import { articleIdFromFingerprint, fingerprintBody } from '../../lib/articles/fingerprint';

describe('what can be an article id', () => {
  it('is every id a story gets', () => {
    expect(isArticleId(articleIdFromFingerprint(fingerprintBody('Iran and Iraq agreed on water.')))).toBe(
      true,
    );
  });

  it.each([
    '',
    'a'.repeat(65),
    'f'.repeat(3000),
    'ABCDEF0123',
    'abc def',
    'abc\u0000',
    'x#ARTICLE',
    '../health',
    '中',
    'abc\n',
  ])('is not %j', (value) => {
    expect(isArticleId(value)).toBe(false);
  });
});
