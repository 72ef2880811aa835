import { makeDynamoArticleStore } from '../adapters/dynamo/article-store';
import { makeIngestArticles } from '../use-cases/ingest-articles';
import { makeVerifyIngestKey } from '../use-cases/verify-ingest-key';
import { once } from './once';
import { systemClock } from './runtime';
import { secretFor } from './secrets';
import { tableFor } from './table';

/** What the ingest function uses: the article store and the publisher's key. */
const table = tableFor('ingest');
const ingestKey = secretFor('ingest', 'ingestKey');

export const verifyIngestKey = once(async () => makeVerifyIngestKey(await ingestKey()));

export const ingestArticles = once(() => {
  const { db, tableName } = table();
  return makeIngestArticles({ articles: makeDynamoArticleStore(db, tableName), clock: systemClock });
});
