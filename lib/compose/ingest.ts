import { makeDynamoArticleWriter, makeDynamoStoryFinder } from '../adapters/dynamo/article-writer';
import { makeIngestArticles, makeIngestFeed } from '../use-cases/ingest-articles';
import { ingestAuthFor } from './ingest-auth';
import { once } from './once';
import { config, systemClock } from './runtime';
import { tableFor } from './table';

/** What the ingest function uses: the article writer, the story finder and the publisher's key. */
const table = tableFor('ingest');
/** The publisher's key, or its IAM signature. */
export const authorizeIngest = ingestAuthFor('ingest');

// franc builds trigram tables for 82 languages as it loads (about half of ingest's start-up on top of the
// SDK); a dynamic import keeps that off the cold start of requests whose articles declare their language.
const languageDetector = once(async () => (await import('../articles/language')).detectLanguage);

// The feed reader and its XML parser (fast-xml-parser) likewise load with the first feed, not on every cold
// start: most publishers post JSON or wire copy.
const feedReader = once(async () => (await import('../articles/feed')).parseFeed);

/** Reads a feed into its entries; see `parseFeed`. */
export const parseFeed = async (xml: string) => (await feedReader())(xml);

/** Reads a web page into its one article (the DOM loads with the first page). */
export { parseHtmlPage } from './page-reader';

function ingestDeps() {
  const { db, tableName } = table();
  const { sourceTimezones, articleRetentionDays } = config();
  return {
    articles: makeDynamoArticleWriter(db, tableName),
    stories: makeDynamoStoryFinder(db, tableName),
    clock: systemClock,
    languageDetector,
    sourceZones: sourceTimezones,
    retentionDays: articleRetentionDays,
  };
}

export const ingestArticles = once(() => makeIngestArticles(ingestDeps()));

export const ingestFeed = once(() => makeIngestFeed(ingestDeps()));
