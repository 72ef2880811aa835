import type { EmailKind } from './compiled-templates';
import type { AlertEmailData, ConfirmationEmailData, DigestEmailData, MatchedArticle } from './email-data';

/*
 * Built-in sample data for every email: what `npx tidings preview` renders and the render bench measures.
 * Realistic lengths on purpose, so screenshots and timings look like real mail.
 */

const base = 'https://news.example.com';
const token = (purpose: string) =>
  `${purpose}.eyJzdWIiOiJzdWItMSIsImdlbiI6MCwiZXhwIjoxNzk2NTQ3MjAwfQ.${'k9Xq2vB7'.repeat(5)}`;

const links = {
  unsubscribeUrl: `${base}/unsubscribe?token=${token('unsubscribe')}`,
  preferencesUrl: `${base}/preferences?token=${token('preferences')}`,
  postalAddress: 'Tidings News Ltd, 1 Example Street, Springfield 12345, USA',
};

export const sampleAlert: AlertEmailData = {
  headline: 'Iraq weighs its response after the strike that killed Qassem Soleimani',
  articleUrl: `${base}/world/2026/11/27/iraq-response`,
  archiveUrl: `${base}/articles/a1b2c3d4`,
  publishedAt: '2026-11-27T08:45:00Z',
  sentAt: '2026-11-27T09:00:00Z',
  source: 'Example Wire',
  snippet:
    'Officials in Baghdad met through the night as Iran and Iraq weighed how to answer the strike that killed Qassem Soleimani, the commander of the Quds Force, near the capital’s airport.',
  topics: [
    { query: '"Qassem Soleimani"', terms: ['qassem soleimani'] },
    { query: 'Iran AND Iraq', terms: ['iran', 'iraq'] },
  ],
  timeZone: 'Europe/London',
  ...links,
  muteUrls: [`${base}/mute?token=${token('mute1')}`, `${base}/mute?token=${token('mute2')}`],
};

const topics = [
  { query: 'Iraq', terms: ['iraq', 'baghdad'] },
  { query: 'Gaza', terms: ['gaza'] },
  { query: 'interest rates', terms: ['interest rates'] },
];

const headlines = [
  'Baghdad talks resume as Iraq seeks a regional accord',
  'Aid convoys reach northern Gaza after a week of delays',
  'Central banks signal a pause in interest rates',
  'Iraq’s oil output climbs to a five-year high',
  'Hospitals in Gaza ration fuel as winter sets in',
  'Mortgage holders brace as interest rates stay high',
  'Kurdish leaders and Baghdad agree on a budget share',
  'UN agencies warn of famine conditions in Gaza',
  'Why interest rates matter for your pension',
  'Iraq reopens its border crossing with Syria',
];

export const sampleDigestItems: readonly MatchedArticle[] = headlines.map((headline, index) => {
  const topic = topics[index % topics.length] ?? topics[0];
  return {
    headline,
    articleUrl: `${base}/story/${index + 1}`,
    publishedAt: new Date(Date.UTC(2026, 10, 26, 7 + index, 15)).toISOString(),
    source: index % 2 === 0 ? 'Example Wire' : 'The Example Times',
    snippet: `${headline}. Reporters in the region say the situation in ${topic?.query ?? 'the region'} is changing quickly, and officials expect more news in the coming days as talks continue.`,
    topics: topic ? [topic] : [],
  };
});

export const sampleDigest: DigestEmailData = {
  period: 'daily',
  periodLabel: '27 Nov 2026',
  items: sampleDigestItems,
  remaining: 12,
  timeZone: 'Europe/London',
  ...links,
};

export const sampleConfirmation: ConfirmationEmailData = {
  confirmUrl: `${base}/confirm?token=${token('confirm')}`,
  topics: [
    { query: '"Qassem Soleimani"', frequency: 'instant', isNew: true },
    { query: 'Iran AND Iraq', frequency: 'daily', isNew: true },
    { query: 'interest rates', frequency: 'weekly', isNew: false },
  ],
  digestHour: 7,
  digestWeekday: 'monday',
  linkExpiresAt: '2026-12-04T09:00:00Z',
  timeZone: 'Europe/London',
};

/** The sample of each email, keyed as the templates are (`confirm.mjml`, `alert.mjml`, `digest.mjml`). */
export const samples = {
  confirm: sampleConfirmation,
  alert: sampleAlert,
  digest: sampleDigest,
} as const satisfies Record<EmailKind, unknown>;
