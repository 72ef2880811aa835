export {
  articleText,
  declaredLanguage,
  type LanguageDetector,
  normaliseArticle,
  SUMMARY_MAX_CHARS,
  snippet,
} from './article';
// The feed reader (and its XML parser) is loaded when a feed arrives: see lib/compose/ingest.ts.
export type { FeedEntry } from './feed';
export { articleIdFromFingerprint, fingerprintBody } from './fingerprint';
export { deriveHeadline, HEADLINE_MAX_CHARS } from './headline';
export { parseJsonArticle, parseJsonArticles } from './json-article';
export { MAX_ARTICLES_PER_REQUEST, MAX_BODY_CHARS, MAX_PARAGRAPHS } from './limits';
export { articleExpiry } from './retention';
export { cutAtWordBoundary } from './text-cut';
export type { SourceZones } from './time-zones';
export type { Article, ArticleInput, PublishedZoneSource } from './types';
export { parseWireCopy } from './wire-copy';
