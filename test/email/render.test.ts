import { describe, expect, it } from 'vitest';
import type { AlertEmailData, DigestEmailData, MatchedArticle } from '../../lib/email';
import { renderAlert, renderConfirmation, renderDigest } from '../../lib/email';
import { ValidationError } from '../../lib/errors';
import { nestingProblems } from './html-structure';

const unsubscribeUrl = 'https://tidings.example.com/unsubscribe?token=tok_3f9a.b-c_d';
const preferencesUrl = 'https://tidings.example.com/preferences?token=pref_1.x';
const muteUrl = 'https://tidings.example.com/mute?token=mute_1.y';
const linkExpiry = { linkExpiresAt: '2026-12-08T09:00:00.000Z', timeZone: 'Europe/London' };
/** Digests at 07:00 on Mondays, the defaults. */
const digestTimes = { digestHour: 7, digestWeekday: 'monday' } as const;

const alert: AlertEmailData = {
  headline: 'Chipmakers race to build AI accelerators',
  articleUrl: 'https://news.example.com/tech/chipmakers?ref=tidings&utm=mail',
  publishedAt: '2026-11-27T14:05:00Z',
  source: 'Example News',
  snippet: 'Nvidia and TSMC said demand keeps outpacing supply.',
  topics: [{ query: 'AI chips', terms: ['nvidia', 'tsmc'] }],
  unsubscribeUrl,
  preferencesUrl,
  muteUrls: [muteUrl],
};

const item = (n: number, extra: Partial<MatchedArticle> = {}): MatchedArticle => ({
  headline: `Story number ${n}`,
  articleUrl: `https://news.example.com/story/${n}`,
  publishedAt: '2026-11-27T08:30:00Z',
  source: `Source ${n}`,
  snippet: `Snippet ${n} mentions the election.`,
  topics: [{ query: `Topic ${n}`, terms: ['election'] }],
  ...extra,
});

const digest: DigestEmailData = {
  period: 'daily',
  periodLabel: '27 Nov 2026',
  items: [item(1), item(2), item(3)],
  unsubscribeUrl,
  preferencesUrl,
};

/** The words of an HTML fragment as a reader sees them. */
function visibleText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&middot;/g, '·')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/\s+/g, ' ');
}

function highlighted(html: string): string[] {
  return [...html.matchAll(/<strong class="hl"[^>]*>(.*?)<\/strong>/g)].map((match) => match[1] ?? '');
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => (match[1] ?? '').replace(/&amp;/g, '&'));
}

describe('subjects', () => {
  it('is the headline alone for an alert, with no query in front', () => {
    expect(renderAlert(alert).subject).toBe('Chipmakers race to build AI accelerators');
  });

  it('cuts a long headline on a word boundary within 78 characters', () => {
    const headline =
      'Central bank raises interest rates for the third time this year as inflation stays stubbornly high';
    const subject = renderAlert({ ...alert, headline }).subject;
    expect(subject).toBe('Central bank raises interest rates for the third time this year as inflation…');
    expect(Array.from(subject).length).toBeLessThanOrEqual(78);
  });

  it('counts the stories of a digest and names its topics, in the singular when there is one', () => {
    const topics = (query: string, n: number) => item(n, { topics: [{ query, terms: ['election'] }] });
    expect(
      renderDigest({ ...digest, items: [topics('Iraq', 1), topics('Gaza', 2), topics('Iraq', 3)] }).subject,
    ).toBe('Your daily digest: 3 new stories on Iraq, Gaza');
    expect(
      renderDigest({ ...digest, period: 'weekly', periodLabel: '21–27 Nov 2026', items: [item(1)] }).subject,
    ).toBe('Your weekly digest: 1 new story on Topic 1');
  });

  it('fits a digest subject within 78 characters by counting the topics left out', () => {
    const items = [1, 2, 3, 4, 5, 6].map((n) =>
      item(n, { topics: [{ query: `A rather long topic name ${n}`, terms: ['election'] }] }),
    );
    const subject = renderDigest({ ...digest, items }).subject;
    expect(subject).toBe('Your daily digest: 6 new stories on A rather long topic name 1 and 5 more');
    expect(subject.length).toBeLessThanOrEqual(78);
  });

  it('asks to confirm the subscription', () => {
    const email = renderConfirmation({
      ...linkExpiry,
      confirmUrl: 'https://t.example/c?t=1',
      topics: [{ query: 'AI', frequency: 'daily', isNew: true }],
      ...digestTimes,
    });
    expect(email.subject).toBe('Confirm your Tidings subscription');
  });

  it('keeps the subject on one line whatever the headline holds', () => {
    expect(renderAlert({ ...alert, headline: 'Two\r\nlines' }).subject).toBe('Two lines');
    expect(renderAlert({ ...alert, headline: 'Breaking\r\nBcc: x@evil\u0000' }).subject).toBe(
      'Breaking Bcc: x@evil',
    );
  });
});

describe('escaping', () => {
  const hostile = `<script>alert("x")</script> & 'quoted' "><img src=x onerror=alert(1)>`;

  it('escapes user text everywhere it appears in the HTML', () => {
    const { html } = renderAlert({
      ...alert,
      headline: hostile,
      source: hostile,
      topics: [{ query: hostile, terms: ['x'] }],
      snippet: hostile,
    });
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; &quot;&gt;&lt;img',
    );
    // The title and the aria-label attribute carry the subject.
    expect(html).toContain(`<title>${'&lt;script&gt;'}`);
    expect(html).toMatch(/aria-label="&lt;script&gt;alert\(&quot;x&quot;\)/);
  });

  it('escapes digest items and confirmation topics too', () => {
    expect(renderDigest({ ...digest, items: [item(1, { headline: hostile })] }).html).not.toMatch(
      /<script|<img/i,
    );
    const confirm = renderConfirmation({
      ...linkExpiry,
      confirmUrl: 'https://t.example/c',
      topics: [{ query: hostile, frequency: 'instant', isNew: true }],
      ...digestTimes,
    });
    expect(confirm.html).not.toMatch(/<script|<img/i);
    expect(confirm.html).toContain('&lt;script&gt;alert(&quot;x&quot;)');
  });

  it('leaves the text part as written', () => {
    expect(renderAlert({ ...alert, headline: hostile }).text).toContain(hostile);
  });
});

describe('highlighting matched terms', () => {
  it('wraps every whole-word occurrence, whatever its case', () => {
    const { html } = renderAlert({
      ...alert,
      snippet: 'Rates rose. RATES & rates; separates stays plain.',
      topics: [{ query: 'AI chips', terms: ['rates'] }],
    });
    expect(highlighted(html)).toEqual(['Rates', 'RATES', 'rates']);
    expect(visibleText(html)).toContain('Rates rose. RATES & rates; separates stays plain.');
  });

  it('does not break entities when a term looks like one', () => {
    const { html } = renderAlert({
      ...alert,
      snippet: 'Q&A: AT&T said amp and lt, not <b>gt</b>.',
      topics: [{ query: 'AI chips', terms: ['amp', 'lt', 'gt'] }],
    });
    expect(html).toContain('Q&amp;A: AT&amp;T said <strong class="hl"');
    expect(html).toContain('&lt;b&gt;<strong class="hl"');
    expect(highlighted(html)).toEqual(['amp', 'lt', 'gt']);
  });

  it('escapes a term that contains markup instead of matching it as HTML', () => {
    const { html } = renderAlert({
      ...alert,
      snippet: 'Use the <b> tag.',
      topics: [{ query: 'AI chips', terms: ['<b>'] }],
    });
    expect(highlighted(html)).toEqual(['&lt;b&gt;']);
  });

  it('highlights the snippets of digest items', () => {
    expect(highlighted(renderDigest(digest).html)).toEqual(['election', 'election', 'election']);
  });
});

describe('alert', () => {
  const email = renderAlert(alert);

  it('shows the linked headline, source and date, snippet and why it was sent', () => {
    const text = visibleText(email.html);
    expect(email.html).toContain(
      '<a href="https://news.example.com/tech/chipmakers?ref=tidings&amp;utm=mail" style="color: #111827; text-decoration: none;">Chipmakers race to build AI accelerators</a>',
    );
    expect(text).toContain('Example News · 27 Nov 2026, 14:05 UTC');
    expect(text).toContain('Nvidia and TSMC said demand keeps outpacing supply.');
    expect(text).toContain(
      'Why you got this: the story matched your topic, each with the words shown: AI chips: nvidia and tsmc',
    );
  });

  it('starts the inbox preview with the source and the snippet', () => {
    expect(email.html).toMatch(/display:none[^>]*>Example News: Nvidia and TSMC said/);
  });

  it('has a text part with the headline, link, terms and unsubscribe link', () => {
    expect(email.text).toContain('Chipmakers race to build AI accelerators');
    expect(email.text).toContain('https://news.example.com/tech/chipmakers?ref=tidings&utm=mail');
    expect(email.text).toContain('- AI chips: nvidia and tsmc');
    expect(email.text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
  });

  it('links to the preference centre and mutes each matched topic, in HTML and text', () => {
    const both = renderAlert({
      ...alert,
      topics: [
        { query: 'AI chips', terms: ['tsmc'] },
        { query: 'Nvidia', terms: ['nvidia'] },
      ],
      muteUrls: [muteUrl, `${muteUrl}2`],
    });
    expect(hrefs(both.html)).toEqual(expect.arrayContaining([preferencesUrl, muteUrl, `${muteUrl}2`]));
    expect(visibleText(both.html)).toContain('Mute AI chips Mute Nvidia Manage your topics');
    expect(both.text).toContain(`Mute AI chips: ${muteUrl}\nMute Nvidia: ${muteUrl}2\n`);
    expect(both.text).toContain(`Manage your topics: ${preferencesUrl}\nUnsubscribe: ${unsubscribeUrl}`);
    expect(() => renderAlert({ ...alert, muteUrls: ['javascript:1'] })).toThrow(
      /muteUrls\[0\] must be an absolute http\(s\) URL/,
    );
  });

  it('writes dates in the given time zone', () => {
    const local = renderAlert({ ...alert, timeZone: 'America/New_York' });
    expect(visibleText(local.html)).toContain('27 Nov 2026, 09:05');
    expect(local.text).toContain('27 Nov 2026, 09:05');
  });

  it('leaves out the source when there is none', () => {
    const { source: _source, ...withoutSource } = alert;
    const { text } = renderAlert(withoutSource);
    expect(text).toContain('\n27 Nov 2026, 14:05 UTC\n');
    expect(text).not.toContain('· 27 Nov');
  });
});

describe('digest', () => {
  it('lists every item with its link, terms and topic, in HTML and text', () => {
    const { html, text } = renderDigest(digest);
    for (const n of [1, 2, 3]) {
      expect(html).toContain(`<a href="https://news.example.com/story/${n}"`);
      expect(visibleText(html)).toContain(`Story number ${n}`);
      expect(visibleText(html)).toContain(`Topic ${n}`);
      expect(text).toContain(`* Story number ${n}`);
      expect(text).toContain(`https://news.example.com/story/${n}`);
      expect(text).toContain(`Matched Topic ${n}: election`);
    }
    expect(html.match(/class="item"/g)).toHaveLength(3);
    expect(html.match(/class="group"/g)).toHaveLength(3);
    expect(text).toContain(`Manage your topics: ${preferencesUrl}\nUnsubscribe: ${unsubscribeUrl}`);
    expect(visibleText(html)).toContain('digest of your topics Topic 1, Topic 2 and Topic 3.');
  });

  it('stays well-formed for browsers and Outlook with one item or many', () => {
    for (const items of [[item(1)], [item(1), item(2), item(3), item(4), item(5)]]) {
      expect(nestingProblems(renderDigest({ ...digest, items }).html)).toEqual([]);
    }
  });

  it('leaves out the source of an item that has none', () => {
    const { source: _source, ...sourceless } = item(2);
    const { text } = renderDigest({ ...digest, items: [item(1), sourceless] });
    expect(text).toContain('* Story number 2\n  27 Nov 2026, 08:30 UTC\n');
  });
});

describe('confirmation', () => {
  it('links to the confirmation URL and lists every topic with how often it comes', () => {
    const confirmUrl = 'https://tidings.example.com/confirm?token=abc&x=1';
    const { html, text } = renderConfirmation({
      ...linkExpiry,
      confirmUrl,
      topics: [
        { query: 'AI chips', frequency: 'weekly', isNew: true },
        { query: 'Climate', frequency: 'instant', isNew: false },
        { query: 'Gaza -football', frequency: 'daily', isNew: false },
      ],
      digestHour: 18,
      digestWeekday: 'friday',
    });
    expect(hrefs(html)).toEqual([confirmUrl, confirmUrl]);
    expect(visibleText(html)).toContain(
      'stories on these topics: AI chips · a weekly digest on Fridays at 18:00 (new) ' +
        'Climate · each story as it arrives Gaza -football · a daily digest at 18:00',
    );
    expect(text).toContain(`Confirm subscription: ${confirmUrl}`);
    expect(text).toContain(
      '- AI chips · a weekly digest on Fridays at 18:00 (new)\n' +
        '- Climate · each story as it arrives\n' +
        '- Gaza -football · a daily digest at 18:00\n',
    );
    expect(html).not.toContain('Unsubscribe');
  });
});

describe('links', () => {
  it('are all absolute http(s) URLs taken from the data', () => {
    const given = new Set([
      alert.articleUrl,
      unsubscribeUrl,
      preferencesUrl,
      muteUrl,
      ...digest.items.map((entry) => entry.articleUrl),
    ]);
    for (const { html } of [renderAlert(alert), renderDigest(digest)]) {
      const links = hrefs(html);
      expect(links.length).toBeGreaterThan(1);
      for (const link of links) expect(given).toContain(link);
    }
  });

  it.each(['/story/1', 'javascript:alert(1)', 'news.example.com/story', ''])(
    'refuses %j as an article link',
    (url) => {
      expect(() => renderAlert({ ...alert, articleUrl: url })).toThrow(
        /articleUrl must be an absolute http\(s\) URL/,
      );
    },
  );

  it('refuses a relative unsubscribe or confirmation link', () => {
    expect(() => renderDigest({ ...digest, unsubscribeUrl: '/unsubscribe' })).toThrow(ValidationError);
    expect(() =>
      renderConfirmation({
        ...linkExpiry,
        confirmUrl: 'confirm',
        topics: [{ query: 'AI', frequency: 'daily', isNew: true }],
        ...digestTimes,
      }),
    ).toThrow(/confirmUrl must be an absolute/);
  });
});

describe('invalid data', () => {
  it('names the field at fault', () => {
    expect(() => renderAlert({ ...alert, publishedAt: 'yesterday' })).toThrow(
      /publishedAt must be an ISO 8601 date/,
    );
    expect(() => renderAlert({ ...alert, timeZone: 'Mars/Olympus' })).toThrow(
      /timeZone must be an IANA time zone/,
    );
    expect(() => renderAlert({ ...alert, topics: [{ query: 'AI chips', terms: [] }] })).toThrow(
      /alert\.topics\[0\]\.terms must list at least one/,
    );
    expect(() => renderDigest({ ...digest, items: [item(1), item(2, { headline: ' ' })] })).toThrow(
      /items\[1\]\.headline must be non-empty/,
    );
    expect(() =>
      renderConfirmation({
        ...linkExpiry,
        confirmUrl: 'https://t.example/c',
        topics: [],
        ...digestTimes,
      }),
    ).toThrow(/topics must list at least one/);
  });

  it('refuses an empty digest rather than sending one', () => {
    expect(() => renderDigest({ ...digest, items: [] })).toThrow(ValidationError);
  });
});

describe('the confirmation email', () => {
  it('says when its link stops working, in the reader’s time zone', () => {
    const { html, text } = renderConfirmation({
      confirmUrl: 'https://t.example/c',
      topics: [{ query: 'AI', frequency: 'daily', isNew: true }],
      ...digestTimes,
      linkExpiresAt: '2026-12-08T09:00:00.000Z',
      timeZone: 'Asia/Tokyo',
    });
    expect(text).toContain('The link works until 8 Dec 2026, 18:00 GMT+9; after that, subscribe again');
    expect(visibleText(html)).toContain('The link works until 8 Dec 2026, 18:00 GMT+9');
  });

  it('refuses an expiry that is not a date or a zone that is not one', () => {
    const base = {
      confirmUrl: 'https://t.example/c',
      topics: [{ query: 'AI', frequency: 'daily', isNew: true }],
      ...digestTimes,
    } as const;
    expect(() => renderConfirmation({ ...base, linkExpiresAt: 'soon', timeZone: 'UTC' })).toThrow(
      ValidationError,
    );
    expect(() =>
      renderConfirmation({ ...base, linkExpiresAt: '2026-12-08T09:00:00.000Z', timeZone: 'Mars/Olympus' }),
    ).toThrow(ValidationError);
  });
});
