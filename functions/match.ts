import type { DynamoDBStreamEvent } from 'aws-lambda';
import { articleFromItem } from '../lib/adapters/dynamo/article-store';
import { matchArticle } from '../lib/compose/match';
import { withMetrics } from '../lib/compose/metrics';
import { logger } from '../lib/log';
import { forEachNewImage } from '../lib/stream/stream-batch';

/** New and updated article records → match against every active topic → queue alerts and hold digest matches. */
export const handler = withMetrics((event: DynamoDBStreamEvent) =>
  forEachNewImage(event, async (image) => {
    const outcome = await matchArticle()(articleFromItem(image));
    logger.info('Article matched', { articleId: image.id, ...outcome });
  }),
);
