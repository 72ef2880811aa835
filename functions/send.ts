import type { DynamoDBStreamEvent } from 'aws-lambda';
import { withMetrics } from '../lib/compose/metrics';
import { sendDelivery as composeSendDelivery } from '../lib/compose/send';
import { logger } from '../lib/log';
import { parseDelivery } from '../lib/sending/parse-delivery';
import { SEND_CONCURRENCY } from '../lib/sending/send-concurrency';
import { forEachNewImageConcurrently } from '../lib/stream/stream-batch';

/** Queued delivery records → render and send through SES, once each. */
export const handler = withMetrics(async (event: DynamoDBStreamEvent) => {
  const sendDelivery = await composeSendDelivery();
  return forEachNewImageConcurrently(
    event,
    async (image) => {
      const outcome = await sendDelivery(parseDelivery(image));
      logger.info('Delivery handled', { subscriberId: image.subscriberId, key: image.key, outcome });
    },
    SEND_CONCURRENCY,
  );
});
