import { makeDynamoDeliveryStore } from '../adapters/dynamo/delivery-store';
import { makeDynamoTopicIndexReader } from '../adapters/dynamo/topic-index-reader';
import { makeDynamoTopicSnapshotStore } from '../adapters/dynamo/topic-snapshot-store';
import { logger } from '../log';
import { makeTopicIndexCache } from '../matching/topic-index-cache';
import { makeMatchArticle } from '../use-cases/match-article';
import { metrics } from './metrics';
import { once } from './once';
import { systemClock } from './runtime';
import { tableFor } from './table';

/** What the match function uses: the active topics (held in memory) and the delivery ledger. */
const table = tableFor('match');

export const matchArticle = once(() => {
  const { db, tableName } = table();
  return makeMatchArticle({
    deliveries: makeDynamoDeliveryStore(db, tableName),
    currentIndex: makeTopicIndexCache({
      subscribers: makeDynamoTopicIndexReader(db, tableName),
      snapshots: makeDynamoTopicSnapshotStore(db, tableName),
      clock: systemClock,
      onInvalid: (topicId, error) =>
        logger.warn('Stored topic no longer parses', { topicId, error: error.message }),
      onSnapshotError: (error) =>
        logger.warn('Topic snapshot skipped', {
          error: error instanceof Error ? error.message : String(error),
        }),
    }),
    clock: systemClock,
    metrics: metrics(),
  });
});
