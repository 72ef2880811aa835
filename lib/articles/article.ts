import { ValidationError } from '../errors';
import { leadAfterHeadline } from './after-headline';
import { canonicalUrl } from './canonical-url';
import { cleanText, collapseSpaces, splitParagraphs } from './clean-text';
import { toIsoTimestamp } from './dates';
import { articleIdFromFingerprint, canonicalBody, fingerprintBody } from './fingerprint';
import { deriveHeadline } from './headline';
import { assertBodyWithinLimits } from './limits';
import { cutAtWordBoundary } from './text-cut';
import type { Article, ArticleInput } from './types';

/** Names the language of a text as an ISO 639-1 code, or undefined; `detectLanguage` in `./language`. */
export type LanguageDetector = (text: string) => string | undefined;

/**
 * Turns parsed input into the stored article: paragraphs, fingerprint and id, a title (derived from the lead
 * sentence when none was given), ISO timestamps (publishedAt falls back to `now`, the ingest time), the
 * source, which falls back to the photo credit of wire copy, and the language: the sender's, else what
 * `detectLanguage` finds (when given). Optional fields are omitted, never undefined.
 */
export function normaliseArticle(input: ArticleInput, now: Date, detectLanguage?: LanguageDetector): Article {
  const paragraphs = splitParagraphs(input.text);
  const [lead] = paragraphs;
  if (lead === undefined) throw new ValidationError('empty_article', 'The article text is empty.');
  const body = paragraphs.join('\n\n');
  assertBodyWithinLimits(paragraphs, body);
  if (canonicalBody(body) === '') {
    throw new ValidationError('invalid_article', 'The article text has no letters or digits.');
  }

  const fingerprint = fingerprintBody(body);
  const givenTitle = optionalText(input.title);
  const given = optionalText(input.url);
  const url = given === undefined ? undefined : canonicalUrl(given);
  const credit = optionalText(input.credit);
  const source = optionalText(input.source) ?? credit;
  const lang = declaredLanguage(input) ?? detectLanguage?.(`${givenTitle ?? ''}\n${body}`);
  const caption = optionalText(input.caption);
  const ingestedAt = now.toISOString();
  return {
    id: articleIdFromFingerprint(fingerprint),
    fingerprint,
    title: givenTitle ?? deriveHeadline(lead),
    titleDerived: givenTitle === undefined,
    ...(url !== undefined && { url }),
    ...(source !== undefined && { source }),
    ...(lang !== undefined && { lang }),
    ...(caption !== undefined && { caption }),
    ...(credit !== undefined && { credit }),
    paragraphs,
    publishedAt: input.publishedAt ? toIsoTimestamp(input.publishedAt, 'publishedAt') : ingestedAt,
    ...(input.updatedAt && { updatedAt: toIsoTimestamp(input.updatedAt, 'updatedAt') }),
    ingestedAt,
  };
}

/** The language the sender gave, if any: articles with one need no detector. */
export function declaredLanguage(input: Pick<ArticleInput, 'lang'>): string | undefined {
  return optionalText(input.lang)?.toLowerCase();
}

function optionalText(value: string | undefined): string | undefined {
  const text = value === undefined ? '' : collapseSpaces(cleanText(value));
  return text === '' ? undefined : text;
}

/** The body as plain text: paragraphs separated by blank lines. */
export function articleText(article: Pick<Article, 'paragraphs'>): string {
  return article.paragraphs.join('\n\n');
}

/**
 * The article's opening text, at most `maxChars` long, cut at a word boundary with an ellipsis when longer.
 * Under a headline derived from the lead it starts after what that headline says, so a reader is not told
 * the same sentence twice.
 */
export function snippet(article: Article, maxChars: number): string {
  const [first = '', ...others] = article.paragraphs;
  const opening = article.titleDerived ? leadAfterHeadline(first, article.title) : first;
  const paragraphs = opening === '' ? others : [opening, ...others];
  // Joining only as many paragraphs as can show keeps this cheap for a 200,000-character body.
  let lead = '';
  for (const paragraph of paragraphs) {
    if (lead.length > 2 * maxChars) break;
    lead = lead === '' ? paragraph : `${lead} ${paragraph}`;
  }
  return lead === '' ? '' : cutAtWordBoundary(lead, maxChars);
}
