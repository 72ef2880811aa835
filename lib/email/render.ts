import Mustache from 'mustache';
import { alertEmail, confirmEmail, digestEmail } from '../../templates/dist/compiled';
import { WEEKDAYS } from '../subscriptions/model';
import {
  hourOfDay,
  httpUrl,
  isoDate,
  nonEmptyList,
  oneOf,
  optionalText,
  requiredText,
  timeZone,
} from './check-email-data';
import type { CompiledEmail, CompiledKind } from './compiled-templates';
import type {
  AlertEmailData,
  ConfirmationEmailData,
  DigestEmailData,
  MatchedArticle,
  RenderedEmail,
  SubscriberLinks,
} from './email-data';
import { escapeHtml } from './escape-html';
import { formatDateTime, formatHour, formatList, formatWeekday, preview } from './format';
import { highlightTerms, type TextSegment } from './highlight';

// The only copy so far; another locale is a new templates/copy/<locale>.json and a way to choose it here.
// Each renderer names its own email's export, so a bundle that never sends a digest leaves its template out.
const inLocale = (templates: CompiledKind) => {
  const locale = templates.en;
  if (!locale) throw new Error('The compiled templates have no "en" copy.');
  return locale;
};

export function renderConfirmation(data: ConfirmationEmailData): RenderedEmail {
  const topics = nonEmptyList('topics', data.topics).map((topic, index) => {
    const frequency = oneOf(`topics[${index}].frequency`, topic.frequency, ['instant', 'daily', 'weekly']);
    return {
      query: requiredText(`topics[${index}].query`, topic.query),
      instant: frequency === 'instant',
      daily: frequency === 'daily',
      weekly: frequency === 'weekly',
      isNew: topic.isNew === true,
    };
  });
  const weekday = oneOf('digestWeekday', data.digestWeekday, WEEKDAYS);
  const locale = inLocale(confirmEmail);
  return render(locale.email, {
    confirmUrl: httpUrl('confirmUrl', data.confirmUrl),
    expiresLabel: formatDateTime(
      isoDate('linkExpiresAt', data.linkExpiresAt),
      locale.dateLocale,
      timeZone(data.timeZone),
    ),
    topics,
    topicsText: formatList(
      topics.map((topic) => topic.query),
      locale.dateLocale,
    ),
    digestTime: formatHour(hourOfDay('digestHour', data.digestHour)),
    weekdayLabel: formatWeekday(WEEKDAYS.indexOf(weekday), locale.dateLocale),
  });
}

function subscriberLinks(data: SubscriberLinks) {
  return {
    unsubscribeUrl: httpUrl('unsubscribeUrl', data.unsubscribeUrl),
    preferencesUrl: httpUrl('preferencesUrl', data.preferencesUrl),
  };
}

export function renderAlert(data: AlertEmailData): RenderedEmail {
  const locale = inLocale(alertEmail);
  const article = articleView(data, 'alert', timeZone(data.timeZone), locale.dateLocale);
  return render(locale.email, {
    ...article,
    snippetPreview: preview(article.snippet),
    ...subscriberLinks(data),
    muteLinks: data.muteLinks.map((link, index) => ({
      query: requiredText(`muteLinks[${index}].query`, link.query),
      url: httpUrl(`muteLinks[${index}].url`, link.url),
    })),
  });
}

export function renderDigest(data: DigestEmailData): RenderedEmail {
  const period = oneOf('period', data.period, ['daily', 'weekly']);
  const zone = timeZone(data.timeZone);
  const locale = inLocale(digestEmail);
  const items = nonEmptyList('items', data.items).map((item, index) =>
    articleView(item, `items[${index}]`, zone, locale.dateLocale),
  );
  const topics = [...new Set(items.map((item) => item.topic))];
  return render(locale.email, {
    daily: period === 'daily',
    weekly: period === 'weekly',
    periodLabel: requiredText('periodLabel', data.periodLabel),
    count: items.length,
    one: items.length === 1,
    items,
    topicsText: formatList(topics, locale.dateLocale),
    firstHeadline: items[0]?.headline,
    more: items.length - 1,
    ...subscriberLinks(data),
  });
}

interface ArticleView {
  readonly headline: string;
  readonly articleUrl: string;
  readonly publishedLabel: string;
  // Always present, even empty, so that inside {{#items}} Mustache does not look it up in the outer view.
  readonly source: string;
  readonly snippet: string;
  readonly snippetParts: readonly TextSegment[];
  readonly topic: string;
  readonly matchedTermsText: string;
}

function articleView(article: MatchedArticle, field: string, zone: string, dateLocale: string): ArticleView {
  const terms = nonEmptyList(`${field}.matchedTerms`, article.matchedTerms).map((term, index) =>
    requiredText(`${field}.matchedTerms[${index}]`, term),
  );
  const snippet = optionalText(`${field}.snippet`, article.snippet);
  return {
    headline: requiredText(`${field}.headline`, article.headline),
    articleUrl: httpUrl(`${field}.articleUrl`, article.articleUrl),
    publishedLabel: formatDateTime(isoDate(`${field}.publishedAt`, article.publishedAt), dateLocale, zone),
    source: optionalText(`${field}.source`, article.source),
    snippet,
    snippetParts: highlightTerms(snippet, terms),
    topic: requiredText(`${field}.topic`, article.topic),
    matchedTermsText: formatList(terms, dateLocale),
  };
}

function render(email: CompiledEmail, view: object): RenderedEmail {
  const plain = (value: unknown) => String(value);
  return {
    subject: Mustache.render(email.subject, view, undefined, { escape: plain }).replace(/\s+/g, ' ').trim(),
    html: Mustache.render(email.html, view, undefined, { escape: escapeHtml }),
    text: Mustache.render(email.text, view, undefined, { escape: plain }),
  };
}
