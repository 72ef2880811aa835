import { alertEmail, confirmEmail, digestEmail } from '../../templates/dist/compiled';
import { ValidationError } from '../errors';
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
  AlertArticleData,
  AlertEmailData,
  AlertLinks,
  ConfirmationEmailData,
  DigestEmailData,
  MatchedArticle,
  RenderedEmail,
  SubscriberLinks,
} from './email-data';
import { escapeEmailHtml } from './escape-html';
import { fillTemplate, markSelfContained } from './fill-template';
import { formatDate, formatDateTime, formatHour, formatList, formatWeekday, preview } from './format';
import { highlightTerms, type TextSegment } from './highlight';

// The only copy so far; another locale is a new templates/copy/<locale>.json and a way to choose it here.
// Each renderer names its own email's export, so a bundle that never sends a digest leaves its template out.
const inLocale = (templates: CompiledKind) => {
  const locale = templates.en;
  if (!locale) throw new Error('The compiled templates have no "en" copy.');
  return locale;
};

/** RFC 5322 asks for header lines of at most 78 characters; a subject longer than that is cut anyway. */
export const MAX_SUBJECT_CHARS = 78;
/** A story published longer than this before its alert goes out is labelled with its date, not "New". */
const NEW_STORY_MS = 24 * 60 * 60 * 1000;

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

/**
 * An email rendered but for its reader's links. Each part list alternates literal text and the name of a
 * link to fill in (`[text, name, text, …]`), so personalising is joining strings, not rendering.
 */
export interface PreparedEmail {
  readonly subject: string;
  readonly html: readonly string[];
  readonly text: readonly string[];
}

// NUL cannot reach a rendered value (optionalText turns control characters into spaces), so it marks holes.
const hole = (name: string) => `\u0000${name}\u0000`;

/**
 * Renders everything an alert says about its article once, for every reader whose topics matched it the
 * same way; `personaliseAlert` then fills in each reader's links.
 */
export function prepareAlert(data: AlertArticleData): PreparedEmail {
  const { html, text, subject } = render(inLocale(alertEmail).email, alertView(data));
  return { subject, html: html.split('\u0000'), text: text.split('\u0000') };
}

/**
 * What the alert template is filled with; the reader's links are holes unless given. Exported for the
 * render bench, which fills the MJML source with the same view to compare against mjml itself.
 */
export function alertView(data: AlertArticleData, links?: AlertLinks) {
  const locale = inLocale(alertEmail);
  const zone = timeZone(data.timeZone);
  const article = articleView(data, 'alert', zone, locale.dateLocale);
  const published = isoDate('alert.publishedAt', data.publishedAt);
  const sentAt = data.sentAt === undefined ? undefined : isoDate('sentAt', data.sentAt);
  const isNew = sentAt === undefined || sentAt.getTime() - published.getTime() <= NEW_STORY_MS;
  return {
    ...article,
    subjectHeadline: cutAtWord(article.headline, MAX_SUBJECT_CHARS),
    isNew,
    publishedDay: formatDate(published, locale.dateLocale, zone),
    snippetPreview: preview(article.snippet),
    archiveUrl: data.archiveUrl === undefined ? '' : httpUrl('archiveUrl', data.archiveUrl),
    postalAddress: optionalText('postalAddress', data.postalAddress),
    unsubscribeUrl: links ? links.unsubscribeUrl : hole('unsubscribeUrl'),
    preferencesUrl: links ? links.preferencesUrl : hole('preferencesUrl'),
    whyTopics: article.topics,
    muteLinks: article.topics.map((topic, index) => ({
      query: topic.query,
      url: links ? (links.muteUrls[index] ?? '') : hole(`mute${index}`),
    })),
  };
}

/** The prepared alert with one reader's links; each link is checked as strictly as when rendering whole. */
export function personaliseAlert(prepared: PreparedEmail, links: AlertLinks): RenderedEmail {
  const values: Record<string, string> = {
    unsubscribeUrl: httpUrl('unsubscribeUrl', links.unsubscribeUrl),
    preferencesUrl: httpUrl('preferencesUrl', links.preferencesUrl),
  };
  links.muteUrls.forEach((url, index) => {
    values[`mute${index}`] = httpUrl(`muteUrls[${index}]`, url);
  });
  return {
    subject: prepared.subject,
    html: fillHoles(prepared.html, values, escapeEmailHtml),
    text: fillHoles(prepared.text, values, String),
  };
}

function fillHoles(
  parts: readonly string[],
  values: Readonly<Record<string, string>>,
  encode: (value: string) => string,
): string {
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    const value = values[parts[i] ?? ''];
    if (value === undefined) {
      throw new ValidationError('invalid_email_data', `No link was given for "${parts[i]}" of the email.`);
    }
    out += encode(value) + (parts[i + 1] ?? '');
  }
  return out;
}

export function renderAlert(data: AlertEmailData): RenderedEmail {
  return personaliseAlert(prepareAlert(data), data);
}

function subscriberLinks(data: SubscriberLinks) {
  return {
    unsubscribeUrl: httpUrl('unsubscribeUrl', data.unsubscribeUrl),
    preferencesUrl: httpUrl('preferencesUrl', data.preferencesUrl),
    postalAddress: optionalText('postalAddress', data.postalAddress),
  };
}

export function renderDigest(data: DigestEmailData): RenderedEmail {
  return render(inLocale(digestEmail).email, digestView(data));
}

/** What the digest template is filled with; exported for the render bench, as `alertView` is. */
export function digestView(data: DigestEmailData) {
  const period = oneOf('period', data.period, ['daily', 'weekly']);
  const zone = timeZone(data.timeZone);
  const locale = inLocale(digestEmail);
  const items = nonEmptyList('items', data.items).map((item, index) =>
    articleView(item, `items[${index}]`, zone, locale.dateLocale),
  );
  const groups = groupByTopic(items);
  const remaining = data.remaining ?? 0;
  if (!Number.isInteger(remaining) || remaining < 0) {
    throw new ValidationError(
      'invalid_email_data',
      `remaining must be a whole number, got ${data.remaining}.`,
    );
  }
  const view = {
    daily: period === 'daily',
    weekly: period === 'weekly',
    periodLabel: requiredText('periodLabel', data.periodLabel),
    count: items.length,
    one: items.length === 1,
    groups,
    remaining,
    oneRemaining: remaining === 1,
    topicsText: formatList(
      groups.map((group) => group.topic),
      locale.dateLocale,
    ),
    firstHeadline: items[0]?.headline,
    more: items.length - 1 + remaining,
    ...subscriberLinks(data),
  };
  return { ...view, ...subjectTopics(locale.email, view, groups) };
}

/**
 * Digest items under the first of their topics, in the order topics first appear: one heading and count
 * per topic, and an article that matched two topics shown once.
 */
function groupByTopic(items: readonly ArticleView[]) {
  const groups = new Map<string, ArticleView[]>();
  for (const item of items) {
    const topic = item.labelTopic;
    const group = groups.get(topic);
    if (group) group.push(item);
    else groups.set(topic, [item]);
  }
  return [...groups].map(([topic, groupItems]) => ({
    topic,
    groupCount: groupItems.length,
    groupOne: groupItems.length === 1,
    items: groupItems,
  }));
}

/** As many of the digest's topics as fit the subject, the rest counted: "Iraq, Gaza and 3 more". */
function subjectTopics(email: CompiledEmail, view: object, groups: readonly { topic: string }[]) {
  for (let shown = groups.length; shown > 1; shown--) {
    const candidate = {
      subjectTopics: groups
        .slice(0, shown)
        .map((group) => group.topic)
        .join(', '),
      hiddenTopics: groups.length - shown,
    };
    if (renderSubject(email, { ...view, ...candidate }).length <= MAX_SUBJECT_CHARS) return candidate;
  }
  const first = groups[0]?.topic ?? '';
  return { subjectTopics: cutAtWord(first, 40), hiddenTopics: groups.length - 1 };
}

interface ArticleView {
  readonly headline: string;
  readonly articleUrl: string;
  readonly publishedLabel: string;
  // Always present, even empty, so that inside {{#items}} Mustache does not look it up in the outer view.
  readonly source: string;
  /** The other outlets' names as one list ("Reuters and AP"); empty, and so not shown, when none. */
  readonly alsoReportedBy: string;
  readonly snippet: string;
  readonly snippetParts: readonly TextSegment[];
  /** Each matched topic as the reader wrote it, with its own words: one "why" line each. */
  readonly topics: readonly { readonly query: string; readonly termsText: string }[];
  /** The topic the label line shows, and how many others matched too. */
  readonly labelTopic: string;
  readonly otherTopics: number;
}

/*
 * Article views, kept per article, topics and zone: one story goes into many readers' digests, and its
 * checks, date, highlighting and lists cost more than filling the template. Bounded, oldest out first.
 */
const articleViews = new Map<string, ArticleView>();
const ARTICLE_VIEWS = 500;

function articleView(article: MatchedArticle, field: string, zone: string, dateLocale: string): ArticleView {
  const key = JSON.stringify([
    zone,
    dateLocale,
    article.headline,
    article.articleUrl,
    article.publishedAt,
    article.source,
    article.alsoReportedBy,
    article.snippet,
    article.topics,
  ]);
  let view = articleViews.get(key);
  if (!view) {
    // Every name the digest's item section uses is the view's own, so its filled HTML can be kept.
    view = markSelfContained(buildArticleView(article, field, zone, dateLocale));
    if (articleViews.size >= ARTICLE_VIEWS) articleViews.delete(articleViews.keys().next().value as string);
    articleViews.set(key, view);
  }
  return view;
}

function buildArticleView(
  article: MatchedArticle,
  field: string,
  zone: string,
  dateLocale: string,
): ArticleView {
  const topics = nonEmptyList(`${field}.topics`, article.topics).map((topic, index) => {
    const at = `${field}.topics[${index}]`;
    return {
      query: requiredText(`${at}.query`, topic.query),
      terms: nonEmptyList(`${at}.terms`, topic.terms).map((term, i) =>
        requiredText(`${at}.terms[${i}]`, term),
      ),
    };
  });
  const snippet = optionalText(`${field}.snippet`, article.snippet);
  return {
    headline: requiredText(`${field}.headline`, article.headline),
    articleUrl: httpUrl(`${field}.articleUrl`, article.articleUrl),
    publishedLabel: formatDateTime(isoDate(`${field}.publishedAt`, article.publishedAt), dateLocale, zone),
    source: optionalText(`${field}.source`, article.source),
    alsoReportedBy: formatList(
      (article.alsoReportedBy ?? []).map((name, i) => requiredText(`${field}.alsoReportedBy[${i}]`, name)),
      dateLocale,
    ),
    snippet,
    snippetParts: highlightTerms(
      snippet,
      topics.flatMap((topic) => topic.terms),
    ),
    topics: topics.map((topic) => ({ query: topic.query, termsText: formatList(topic.terms, dateLocale) })),
    labelTopic: topics[0]?.query ?? '',
    otherTopics: topics.length - 1,
  };
}

/** `text` if it fits in `max` characters, else cut at the last word boundary that fits, with an ellipsis. */
export function cutAtWord(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,.;:–—-]+$/u, '')}…`;
}

const plain = (value: unknown) => String(value);

function renderSubject(email: CompiledEmail, view: object): string {
  return fillTemplate(email.subject, view, plain).replace(/\s+/g, ' ').trim();
}

/**
 * The HTML is ASCII by construction (templates and values escape everything beyond it), but V8 may still
 * hold a piece two bytes per character (Intl's dates come that way, and so does any slice of a text that
 * held a non-ASCII character somewhere), and one such piece makes the whole email two-byte: slow to encode
 * as a MIME message. Re-read as one-byte; anything not ASCII is left as it is.
 */
function oneByte(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length === text.length ? bytes.toString('latin1') : text;
}

/**
 * Each value made one-byte as it is filled in, not the 40 KB email after: a digest story's filled section
 * is kept for every later reader (fill-template.ts), so only this reader's own few values pay for it.
 * One function for every render, as the kept sections are keyed by it.
 */
const oneByteEscape = (value: unknown) => oneByte(escapeEmailHtml(value));

function render(email: CompiledEmail, view: object): RenderedEmail {
  return {
    subject: renderSubject(email, view),
    html: fillTemplate(email.html, view, oneByteEscape),
    text: fillTemplate(email.text, view, plain),
  };
}
