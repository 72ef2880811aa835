import { describe, expect, it } from 'vitest';
import { normaliseArticle } from '../../lib/articles';
import { canonicalUrl } from '../../lib/articles/canonical-url';
import { ValidationError } from '../../lib/errors';

const TEXT = 'Flood barriers on the river Lark held overnight, the county council said on Thursday.';

describe('the link stored with a story', () => {
  it('drops what only says how a reader arrived, so two shares of one story are one link', () => {
    expect(
      canonicalUrl(
        'HTTPS://News.Example.COM:443/2024/lark?id=7&utm_source=x&UTM_Medium=y&fbclid=abc#comments',
      ),
    ).toBe('https://news.example.com/2024/lark?id=7');
    expect(canonicalUrl('https://news.example.com/a?gclid=1&mc_cid=2')).toBe('https://news.example.com/a');
  });

  it('refuses links no reader should be sent to, from every source format', () => {
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,<script>x</script>',
      'file:///etc/passwd',
      '/news/1',
    ]) {
      expect(() => canonicalUrl(bad)).toThrow(ValidationError);
      // Feeds and wire copy go through the same normalisation as JSON: none of them can store such a link.
      expect(() => normaliseArticle({ text: TEXT, url: bad }, new Date())).toThrow(/http\(s\) URL/);
    }
    expect(() => canonicalUrl('https://user:secret@news.example.com/a')).toThrow(/user name or password/);
    expect(() => canonicalUrl(`https://news.example.com/${'a'.repeat(2100)}`)).toThrow(/at most 2048/);
  });
});
