export { articleText, declaredLanguage, type LanguageDetector, normaliseArticle, snippet } from './article';
// The feed reader (and its XML parser) is loaded when a feed arrives: see lib/compose/ingest.ts.
export type { FeedEntry } from './feed';
export { articleIdFromFingerprint, fingerprintBody } from './fingerprint';
export { deriveHeadline, HEADLINE_MAX_CHARS } from './headline';
export { parseJsonArticle, parseJsonArticles } from './json-article';
export { MAX_ARTICLES_PER_REQUEST, MAX_BODY_CHARS, MAX_PARAGRAPHS } from './limits';
export { cutAtWordBoundary } from './text-cut';
export type { Article, ArticleInput } from './types';
export { parseWireCopy } from './wire-copy';
