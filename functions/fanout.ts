import type { DynamoDBStreamEvent } from 'aws-lambda';
import { fanOut } from '../lib/compose/fan-out';
import { logger } from '../lib/log';
import type { FanOutChunk } from '../lib/ports';
import { forEachNewImage } from '../lib/stream/stream-batch';

/** Fan-out chunk records → one alert or digest hold per recipient, each written once. */
export const handler = (event: DynamoDBStreamEvent) =>
  forEachNewImage(event, async (image) => {
    const chunk = image as unknown as FanOutChunk;
    const outcome = await fanOut()(chunk);
    logger.info('Fan-out chunk handled', {
      articleId: chunk.articleId,
      chunk: `${chunk.index + 1}/${chunk.count}`,
      recipients: chunk.recipients.length,
      ...outcome,
    });
  });
