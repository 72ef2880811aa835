import type { DynamoDBStreamEvent } from 'aws-lambda';
import { articleFromItem } from '../lib/adapters/dynamo/article-store';
import { logger } from '../lib/log';
import { forEachNewImage } from '../lib/stream/stream-batch';
import { wiring } from '../lib/wiring';

/** New article records → match against every active topic → queue alerts and hold digest matches. */
export const handler = (event: DynamoDBStreamEvent) =>
  forEachNewImage(event, async (image) => {
    const outcome = await wiring.matchArticle()(articleFromItem(image));
    logger.info('Article matched', { articleId: image.id, ...outcome });
  });
