import { describe, expect, it } from 'vitest';
import * as dom from '#html-dom';
import { normaliseArticle } from '../../lib/articles';
import { parseHtmlPage } from '../../lib/articles/html-page';
import { ValidationError } from '../../lib/errors';
import { HOSTILE_PAGES, nestedPage } from '../fixtures/hostile/markup';

// An invented page from an invented paper, with the furniture real article pages carry around the story.
const PAGE = `<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Lock gates replaced at Fenmouth | Fenmouth Echo</title>
  <meta property="og:title" content="Lock gates replaced at Fenmouth">
  <meta property="og:site_name" content="Fenmouth Echo">
  <meta property="og:url" content="https://echo.example/2026/12/lock-gates">
  <meta property="article:published_time" content="2026-12-01T08:15:00+00:00">
  <meta property="article:modified_time" content="2026-12-01T11:40:00+00:00">
  <link rel="canonical" href="/2026/12/lock-gates?utm_source=home">
  <style>.promo { color: red }</style>
  <script>window.trackPageView("lock-gates")</script>
</head>
<body>
  <header><a href="/">Fenmouth Echo</a></header>
  <nav><a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
  <main>
    <article>
      <h1>Lock gates replaced at Fenmouth</h1>
      <p>The old oak gates at Fenmouth lock were lifted out on Monday after ninety years in the river, and
      a crane set the new steel pair in place before dusk.</p>
      <p>Boats have waited at the lower basin since the navigation closed in October. The canal trust said
      the first barges could pass <b>on Friday</b>, once the gates had been tested under load.</p>
      <script>loadAdvert("mid-article")</script>
      <aside class="related"><h2>Related</h2><a href="/x">Towpath closed for repairs</a></aside>
      <p>Volunteers will repaint the balance beams<br>in the spring, when the weather allows.</p>
      <form action="/newsletter"><label>Sign up to our newsletter <input name="email"></label><button>Join</button></form>
      <iframe src="https://video.example/embed/1"></iframe>
      <svg><text>Share on social media</text></svg>
    </article>
  </main>
  <footer><p>Copyright Fenmouth Echo. All rights reserved.</p></footer>
</body>
</html>`;

function refusal(html: string): [string, string] {
  try {
    parseHtmlPage(html, dom);
  } catch (error) {
    if (error instanceof ValidationError) return [error.code, error.message];
    throw error;
  }
  throw new Error('the page was accepted');
}

describe('a web page', () => {
  it('gives its article text in paragraphs with title, canonical link, times, source and language', () => {
    const article = parseHtmlPage(PAGE, dom);
    expect(article).toMatchObject({
      title: 'Lock gates replaced at Fenmouth',
      url: 'https://echo.example/2026/12/lock-gates',
      publishedAt: '2026-12-01T08:15:00.000Z',
      updatedAt: '2026-12-01T11:40:00.000Z',
      source: 'Fenmouth Echo',
      lang: 'en',
    });
    const { paragraphs } = normaliseArticle(article, new Date('2026-12-02T00:00:00Z'));
    expect(paragraphs).toContain(
      'The old oak gates at Fenmouth lock were lifted out on Monday after ninety years in the river, and a crane set the new steel pair in place before dusk.',
    );
    expect(paragraphs).toContain(
      'Volunteers will repaint the balance beams in the spring, when the weather allows.',
    );
    expect(paragraphs.some((p) => p.includes('the first barges could pass on Friday'))).toBe(true);
  });

  it('leaves scripts, styles, navigation, forms, asides and embeds out of the text', () => {
    const { text } = parseHtmlPage(PAGE, dom);
    expect(text).not.toMatch(
      /trackPageView|loadAdvert|color: red|Sport|Weather|Towpath|newsletter|Join|Share on social|video\.example|<|>/,
    );
  });

  it('takes the dates from JSON-LD or a <time> when the page has no article meta tags', () => {
    const page = (head: string, body: string) =>
      `<html><head>${head}</head><body><article><p>${'The lifeboat crew rescued two walkers cut off by the tide below the cliffs. '.repeat(3)}</p>${body}</article></body></html>`;
    const linked = parseHtmlPage(
      page(
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","datePublished":"2026-11-30T18:00:00Z","dateModified":"2026-11-30T21:05:00Z"}]}</script>',
        '',
      ),
      dom,
    );
    expect(linked).toMatchObject({
      publishedAt: '2026-11-30T18:00:00.000Z',
      updatedAt: '2026-11-30T21:05:00.000Z',
    });
    const timed = parseHtmlPage(
      page('', '<p>Posted <time datetime="2026-11-29T07:00:00+01:00">Sunday</time></p>'),
      dom,
    );
    expect(timed.publishedAt).toBe('2026-11-29T06:00:00.000Z');
    expect(timed).not.toHaveProperty('updatedAt');
  });

  it('falls back to <title>, skips a date or link it cannot use, and keeps only an http(s) canonical', () => {
    const article = parseHtmlPage(
      `<html lang="not a language"><head><title>Night bus returns</title>
       <meta property="article:published_time" content="last Tuesday">
       <link rel="canonical" href="javascript:alert(1)"></head>
       <body><p>The night bus between the station and the hospital runs again from Monday.</p></body></html>`,
      dom,
    );
    expect(article.title).toBe('Night bus returns');
    expect(article.text).toBe('The night bus between the station and the hospital runs again from Monday.');
    expect(article).not.toHaveProperty('url');
    expect(article).not.toHaveProperty('publishedAt');
    expect(article).not.toHaveProperty('lang');
  });

  it('resolves a relative canonical link against <base href> and drops tracking parameters', () => {
    const article = parseHtmlPage(
      `<html><head><base href="https://news.example/local/"><link rel="Canonical" href="weir.html?fbclid=abc#top"></head>
       <body><p>The weir gauge read two metres at noon, the highest this year.</p></body></html>`,
      dom,
    );
    expect(article.url).toBe('https://news.example/local/weir.html');
  });
});

describe('a page that is only text', () => {
  // Found by the hostile-input suite: linkedom builds no root for text without elements, and reading the
  // title of such a document threw (a 500 for a page of plain text or random bytes).
  it('is read as the body of a page, as a browser shows it', () => {
    const article = parseHtmlPage('Iran and Iraq signed a water accord on Friday in Basra.', dom);
    expect(article.text).toBe('Iran and Iraq signed a water accord on Friday in Basra.');
  });

  it.each([
    ['a lone doctype', '<!doctype html>'],
    ['a closing tag', '</html>'],
    // The root itself is dropped before Readability reads the page, which left it no document to read.
    ['only a script', "<script>alert('x')</script>"],
    ['only navigation', '<nav><a href="/">Home</a></nav>'],
  ])('with no text in it is refused as one with no article text: %s', (_name, html) => {
    expect(refusal(html)[0]).toBe('no_article_text');
  });
});

describe('a page with nothing to store is refused', () => {
  it.each([
    ['an empty body', '   \n', 'empty_body', /empty/],
    [
      'only scripts and styles',
      '<html><head><style>body{margin:0}</style></head><body><script>render()</script><noscript>Enable JavaScript.</noscript></body></html>',
      'no_article_text',
      /no readable article text \(only scripts, styles/,
    ],
    [
      'only navigation and a form',
      '<html><body><nav><a href="/">Home</a></nav><form><input name="q"><button>Search</button></form></body></html>',
      'no_article_text',
      /no readable article text/,
    ],
    [
      'tags without text',
      '<html><body><div><span></span><p> </p></div></body></html>',
      'no_article_text',
      /readable/,
    ],
  ])('%s', (_name, html, code, message) => {
    const [actualCode, actualMessage] = refusal(html);
    expect(actualCode).toBe(code);
    expect(actualMessage).toMatch(message);
  });

  it('refuses markup nested too deep or too many elements, and reads one just inside', () => {
    // How fast each is refused is `npm run bench -- hostile-input`'s to measure.
    expect(HOSTILE_PAGES.map(([name, html]) => [name, ...refusal(html)])).toEqual([
      [
        '200,000 nested divs',
        'page_too_complex',
        'The page cannot be read: its elements nest more than 100 deep.',
      ],
      ['15,001 links', 'page_too_complex', expect.stringMatching(/15,00\d elements .* at most 15,000/)],
      ['300,000 unclosed tags', 'no_article_text', expect.any(String)],
    ]);
    // HTML ignores the slash on a <div/>: it opens a div all the same.
    expect(refusal(nestedPage('<div/>', 101))[0]).toBe('page_too_complex');
    expect(parseHtmlPage(nestedPage('<section>', 98), dom).text).toContain('record crowd');
    // Sloppy paragraphs and an icon's self-closing shapes are not nesting.
    const icon = `<svg>${'<path d="M0 0"/>'.repeat(300)}</svg>`;
    expect(parseHtmlPage(nestedPage(`<p>Item.${icon}`, 300), dom).text).toContain('record crowd');
  });
});
