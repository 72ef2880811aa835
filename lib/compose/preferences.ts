import { makeDynamoArticleStore } from '../adapters/dynamo/article-store';
import { makeDynamoDeliveryStore } from '../adapters/dynamo/delivery-store';
import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { makeEraseSubscriber } from '../use-cases/erase-subscriber';
import { makeExportSubscriber } from '../use-cases/export-subscriber';
import { makeManagePreferences } from '../use-cases/manage-preferences';
import { makePreviewTopics } from '../use-cases/preview-topics';
import { once } from './once';
import { config, systemClock, uuidIds } from './runtime';
import { linksFor, tokensFor } from './secrets';
import { suppressionsFor } from './suppressions';
import { tableFor } from './table';

/**
 * What the preferences function uses: the subscriber's profile, topics, ledger and send log, recent
 * articles for the previews, and the token check (and fresh links) of preference and mute links.
 */
const table = tableFor('preferences');
const tokens = tokensFor('preferences');
export const links = linksFor('preferences');
const suppressions = suppressionsFor('preferences', table);

const stores = once(() => {
  const { db, tableName } = table();
  return {
    subscribers: makeDynamoSubscriberStore(db, tableName),
    deliveries: makeDynamoDeliveryStore(db, tableName),
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

export const exportSubscriber = once(() =>
  makeExportSubscriber({ subscribers: stores().subscribers, deliveries: stores().deliveries }),
);

export const eraseSubscriber = once(async () =>
  makeEraseSubscriber({
    subscribers: stores().subscribers,
    suppressions: await suppressions(),
    clock: systemClock,
  }),
);

export const publicUrl = () => config().publicUrl;
