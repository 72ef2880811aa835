import type { DynamoDBStreamEvent } from 'aws-lambda';
import { sendDelivery as composeSendDelivery } from '../lib/compose/send';
import { logger } from '../lib/log';
import { parseDelivery } from '../lib/sending/parse-delivery';
import { forEachNewImageConcurrently } from '../lib/stream/stream-batch';

/**
 * The whole batch at once: each record spends most of its time waiting on SES and DynamoDB, and the
 * shared send-rate cap, not this number, is what bounds the rate.
 */
const CONCURRENCY = 10;

/** Queued delivery records → render and send through SES, once each. */
export const handler = async (event: DynamoDBStreamEvent) => {
  const sendDelivery = await composeSendDelivery();
  return forEachNewImageConcurrently(
    event,
    async (image) => {
      const outcome = await sendDelivery(parseDelivery(image));
      logger.info('Delivery handled', { subscriberId: image.subscriberId, key: image.key, outcome });
    },
    CONCURRENCY,
  );
};
