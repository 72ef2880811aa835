import { makeDynamoArticleStore } from '../adapters/dynamo/article-store';
import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { makeManagePreferences } from '../use-cases/manage-preferences';
import { makePreviewTopics } from '../use-cases/preview-topics';
import { once } from './once';
import { config, systemClock, uuidIds } from './runtime';
import { linksFor, tokensFor } from './secrets';
import { tableFor } from './table';

/**
 * What the preferences function uses: the subscriber's profile and topics, recent articles for the
 * previews, and the token check (and fresh links) of preference and mute links.
 */
const table = tableFor('preferences');
const tokens = tokensFor('preferences');
export const links = linksFor('preferences');

const stores = once(() => {
  const { db, tableName } = table();
  return {
    subscribers: makeDynamoSubscriberStore(db, tableName),
    articles: makeDynamoArticleStore(db, tableName),
  };
});

export const managePreferences = once(async () =>
  makeManagePreferences({
    subscribers: stores().subscribers,
    tokens: await tokens(),
    clock: systemClock,
    ids: uuidIds,
    previewTopics: makePreviewTopics({ articles: stores().articles, clock: systemClock }),
    maxTopics: config().maxTopics,
  }),
);

export const publicUrl = () => config().publicUrl;
