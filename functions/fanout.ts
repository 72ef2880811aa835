import type { DynamoDBStreamEvent } from 'aws-lambda';
import { chunkFromItem } from '../lib/adapters/dynamo/delivery-store';
import { fanOut } from '../lib/compose/fan-out';
import { logger } from '../lib/log';
import { forEachNewImage } from '../lib/stream/stream-batch';

/** Fan-out chunk records → one alert or digest hold per recipient, each written once. */
export const handler = (event: DynamoDBStreamEvent) =>
  forEachNewImage(event, async (image) => {
    const chunk = chunkFromItem(image);
    const outcome = await fanOut()(chunk);
    logger.info('Fan-out chunk handled', {
      articleId: chunk.articleId,
      chunk: `${chunk.index + 1}/${chunk.count}`,
      recipients: chunk.recipients.length,
      ...outcome,
    });
  });
