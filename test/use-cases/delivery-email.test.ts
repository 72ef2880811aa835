import { describe, expect, it } from 'vitest';
import { type Article, normaliseArticle } from '../../lib/articles';
import { buildRawMessage } from '../../lib/email';
import type { AlertDelivery, DigestDelivery } from '../../lib/ports';
import type { Subscriber } from '../../lib/subscriptions/model';
import { makeTokens } from '../../lib/subscriptions/tokens';
import { makeDeliveryEmail } from '../../lib/use-cases/delivery-email';
import { makeLinks } from '../../lib/use-cases/links';
import { decodeEncodedWords, readEntity } from '../email/mime-reader';

const now = new Date('2026-11-27T10:00:00Z');
const links = makeLinks('https://news.example.com', makeTokens('secret'));
const identity = {
  mailFrom: 'Tidings <alerts@news.example.com>',
  postalAddress: 'Example News, 1 Example Street, Springfield',
  configurationSet: 'tidings-feedback',
};

function article(title: string, text: string, publishedAt = '2026-11-27T09:00:00Z'): Article {
  return normaliseArticle({ title, text, publishedAt, source: 'Wire' }, now);
}

const subscriber: Subscriber = {
  id: 'sub-1',
  email: 'reader@example.org',
  status: 'active',
  timezone: 'Europe/London',
  digestHour: 7,
  createdAt: now.toISOString(),
} as Subscriber;

function emailsWith(articles: Article[], withIdentity = true) {
  const byId = new Map(articles.map((a) => [a.id, a]));
  return makeDeliveryEmail({
    articles: {
      get: async (id: string) => byId.get(id),
      getMany: async (ids: readonly string[]) =>
        new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id) as Article] as const] : []))),
    },
    // Every article given is an outlet of its story, first published first, as the story partition lists them.
    stories: {
      outletsOf: async (storyId: string, limit: number) =>
        articles
          .filter((a) => (a.storyId ?? a.id) === storyId)
          .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt))
          .slice(0, limit),
    },
    links,
    ...(withIdentity && { identity }),
  });
}

/** The subscriber's active topics by id: deliveries name their topics by id only. */
const queries = new Map([
  ['t1', '"Qassem Soleimani"'],
  ['t2', 'Iran AND Iraq'],
  ['d1', 'Iraq'],
  ['d2', 'Gaza'],
]);

const soleimani = article(
  'Iraq weighs response after strike on Qassem Soleimani',
  'Officials in Iran and Iraq said the strike that killed Qassem Soleimani changes the region.',
);
const alert: AlertDelivery = {
  kind: 'alert',
  subscriberId: 'sub-1',
  key: `ALERT#${soleimani.id}`,
  articleId: soleimani.id,
  topics: [
    { topicId: 't1', terms: ['qassem soleimani'] },
    { topicId: 't2', terms: ['iran', 'iraq'] },
  ],
};

async function alertEmail(delivery = alert, articles = [soleimani]) {
  const message = await emailsWith(articles).listMail(delivery, subscriber, now, queries);
  if (!message) throw new Error('no message');
  return message;
}

describe('an alert', () => {
  it('has the headline as its subject and shows each topic as written, with its own words', async () => {
    const { email } = await alertEmail();
    expect(email.subject).toBe('Iraq weighs response after strike on Qassem Soleimani');
    expect(email.text).toContain('New story · "Qassem Soleimani" and 1 more');
    expect(email.text).toContain('- "Qassem Soleimani": qassem soleimani\n- Iran AND Iraq: iran and iraq');
    expect(email.html).not.toMatch(/text-transform:\s*uppercase/);
    expect(email.html).not.toContain('&quot;Qassem Soleimani&quot;; Iran AND Iraq');
  });

  it('gives a story published days before it is sent its date instead of "New story"', async () => {
    const old = article('Archive piece on Iraq', 'Iran and Iraq, years ago.', '2026-11-20T08:00:00Z');
    const { email } = await alertEmail({ ...alert, articleId: old.id }, [old]);
    expect(email.text).toContain('Published 20 Nov 2026 · ');
    expect(email.text).not.toContain('New story');
  });

  it('names the other outlets that reported the story, once each, not its own, as text', async () => {
    const version = (source: string, hour: string) => ({
      ...normaliseArticle(
        {
          title: `Strike story (${source})`,
          text: `${source} copy.`,
          publishedAt: `2026-11-27T${hour}:00:00Z`,
          source,
        },
        now,
      ),
      storyId: soleimani.id,
    });
    const others = [
      version('Reuters', '10'),
      version('<b>AP</b>', '11'),
      version('Reuters', '12'),
      version('Wire', '13'),
    ];
    const { email } = await alertEmail(alert, [soleimani, ...others]);
    expect(email.text).toContain('Also reported by Reuters and <b>AP</b>\n');
    expect(email.html).toContain('Also reported by Reuters and &lt;b&gt;AP&lt;/b&gt;');
    expect((await alertEmail()).email.text).not.toContain('Also reported by');
  });

  it('links to the article page on Tidings and prints the postal address', async () => {
    const { email } = await alertEmail();
    const archive = `https://news.example.com/articles/${soleimani.id}`;
    expect(email.html).toContain(`href="${archive}"`);
    expect(email.text).toContain(`View in browser: ${archive}`);
    expect(email.text).toContain('Sent by Example News, 1 Example Street, Springfield');
    expect(email.html).toContain('Sent by Example News, 1 Example Street, Springfield');
  });

  it('carries the list headers mailbox providers look for, with a Message-ID on the sending domain', async () => {
    const { headers, messageId } = await alertEmail();
    expect(headers?.['List-Unsubscribe']).toMatch(
      /^<https:\/\/news\.example\.com\/unsubscribe\?token=([^>]+)>, <mailto:unsubscribe@news\.example\.com\?subject=unsubscribe%20\1>$/,
    );
    expect(headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(headers?.['List-Id']).toBe('Tidings <tidings.news.example.com>');
    expect(headers?.['Feedback-ID']).toBe('instant:alert:tidings:news.example.com');
    expect(headers?.['X-SES-CONFIGURATION-SET']).toBe('tidings-feedback');
    expect(messageId).toMatch(/^<[\w-]{32}\.alert@news\.example\.com>$/);
    expect((await alertEmail()).messageId).toBe(messageId);
  });

  it('keeps a headline that tries to inject a header inside the subject', async () => {
    const hostile = article('Breaking\r\nBcc: x@evil.example', 'Iran and Iraq signed an accord.');
    const message = await alertEmail({ ...alert, articleId: hostile.id }, [hostile]);
    const raw = await buildRawMessage({
      from: identity.mailFrom,
      to: subscriber.email,
      ...message.email,
      ...(message.headers && { headers: message.headers }),
      ...(message.messageId && { messageId: message.messageId }),
    });
    const entity = readEntity(raw.toString('utf8'));
    expect(entity.headers.has('bcc')).toBe(false);
    expect(raw.toString('utf8')).not.toMatch(/^Bcc:/im);
    expect(decodeEncodedWords(entity.headers.get('subject') ?? '')).not.toMatch(/[\r\n]/);
  });

  it('shows markup, Mustache, ERB and MJML in a story as text', async () => {
    const payload = '<script>alert(1)</script> {{unsubscribeUrl}} <% evil %> <mj-text>x</mj-text>';
    const hostile = article(`Iraq ${payload}`, `Iran and Iraq: ${payload}`);
    const { email } = await alertEmail({ ...alert, articleId: hostile.id }, [hostile]);
    expect(email.html).not.toMatch(/<script|<mj-text|<%/);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; {{unsubscribeUrl}} &lt;% evil %&gt;');
    expect(email.text).toContain(payload);
  });

  it('renders an article once for every reader whose topics matched it alike', async () => {
    const emails = emailsWith([soleimani]);
    const first = await emails.listMail(alert, subscriber, now, queries);
    const other = await emails.listMail(alert, { ...subscriber, id: 'sub-2' } as Subscriber, now, queries);
    expect(first?.email.html).not.toBe(other?.email.html);
    expect(first?.email.html.replace(/token=[^"&<\s]+/g, '')).toBe(
      other?.email.html.replace(/token=[^"&<\s]+/g, ''),
    );
  });
});

describe('a digest', () => {
  const iraq = article('Baghdad talks resume', 'Iraq and its neighbours talk again.');
  const gaza = article('Aid reaches Gaza', 'Aid convoys reached Gaza overnight.');
  const iraq2 = article('Oil output in Iraq rises', 'Iraq pumped more oil.');
  const topic = (id: string, terms: string[]) => [{ topicId: id, terms }];
  const digest: DigestDelivery = {
    kind: 'digest',
    subscriberId: 'sub-1',
    key: 'DIGEST#daily#2026-11-27',
    period: 'daily',
    periodKey: '2026-11-27',
    entries: [
      { articleId: iraq.id, topics: topic('d1', ['iraq']) },
      { articleId: gaza.id, topics: topic('d2', ['gaza']) },
      { articleId: iraq2.id, topics: topic('d1', ['iraq']) },
    ],
    remaining: 12,
  };

  it('names the other outlets of each story, and nothing for a story only one outlet reported', async () => {
    const again = {
      ...normaliseArticle(
        {
          title: 'Talks in Baghdad again',
          text: 'Talks resumed.',
          publishedAt: '2026-11-27T10:00:00Z',
          source: 'AFP',
        },
        now,
      ),
      storyId: iraq.id,
    };
    const message = await emailsWith([iraq, gaza, iraq2, again]).listMail(digest, subscriber, now, queries);
    expect(message?.email.text.match(/Also reported by AFP/g)).toHaveLength(1);
    expect(message?.email.text).toMatch(/Baghdad talks resume[\s\S]*Also reported by AFP[\s\S]*Oil output/);
  });

  it('is one email grouped by topic, with a count per topic and "and 12 more"', async () => {
    const message = await emailsWith([iraq, gaza, iraq2]).listMail(digest, subscriber, now, queries);
    expect(message?.email.subject).toBe('Your daily digest: 3 new stories on Iraq, Gaza');
    expect(message?.email.text).toContain('== Iraq · 2 stories ==');
    expect(message?.email.text).toContain('== Gaza · 1 story ==');
    expect(message?.email.text).toContain('And 12 more stories, held for your next digest.');
    expect(message?.email.html).toContain('And 12 more stories, held for your next digest.');
    expect(message?.headers?.['Feedback-ID']).toBe('daily:digest:tidings:news.example.com');
    expect(message?.email.text).toContain('Sent by Example News');
  });

  it('says nothing about held stories when there are none', async () => {
    const { remaining: _remaining, ...none } = digest;
    const message = await emailsWith([iraq, gaza, iraq2]).listMail(none, subscriber, now, queries);
    expect(message?.email.text).not.toContain('more stories, held');
  });
});
