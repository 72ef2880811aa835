import { makeDynamoArticleStore } from '../adapters/dynamo/article-store';
import { makePreviewTopic } from '../use-cases/preview-topic';
import { once } from './once';
import { systemClock } from './runtime';
import { tokensFor } from './secrets';
import { tableFor } from './table';

/** What the pages function uses: stored articles (read only) and the token check of links. */
const table = tableFor('pages');
const tokens = tokensFor('pages');

export const articles = once(() => {
  const { db, tableName } = table();
  return makeDynamoArticleStore(db, tableName);
});

export const previewTopic = once(() => makePreviewTopic({ articles: articles(), clock: systemClock }));

export const verifyToken = tokens;
