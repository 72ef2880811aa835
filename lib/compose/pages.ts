import { makeDynamoArchiveReader, makeDynamoArticleStore } from '../adapters/dynamo/article-store';
import { makeDynamoStoryReader } from '../adapters/dynamo/story-reader';
import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { makePreviewTopic } from '../use-cases/preview-topic';
import { makeShowArchive } from '../use-cases/show-archive';
import { makeShowArticle } from '../use-cases/show-article';
import { makeShowSubscription } from '../use-cases/show-subscription';
import { once } from './once';
import { systemClock } from './runtime';
import { tokensFor } from './secrets';
import { tableFor } from './table';

/**
 * What the pages function uses: stored articles and subscribers (read only: its manifest entry declares no
 * writes) and the token check of links.
 */
const table = tableFor('pages');
const tokens = tokensFor('pages');

export const articles = once(() => {
  const { db, tableName } = table();
  return makeDynamoArticleStore(db, tableName);
});

export const showArticle = once(() => {
  const { db, tableName } = table();
  return makeShowArticle({ articles: articles(), stories: makeDynamoStoryReader(db, tableName) });
});

export const showArchive = once(() => {
  const { db, tableName } = table();
  return makeShowArchive({ archive: makeDynamoArchiveReader(db, tableName), clock: systemClock });
});

export const previewTopic = once(() => makePreviewTopic({ articles: articles(), clock: systemClock }));

export const showSubscription = once(async () => {
  const { db, tableName } = table();
  return makeShowSubscription({
    subscribers: makeDynamoSubscriberStore(db, tableName),
    tokens: await tokens(),
    clock: systemClock,
  });
});

export const verifyToken = tokens;
