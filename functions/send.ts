import type { DynamoDBStreamEvent } from 'aws-lambda';
import { sendDelivery as composeSendDelivery } from '../lib/compose/send';
import { logger } from '../lib/log';
import { parseDelivery } from '../lib/sending/parse-delivery';
import { forEachNewImageConcurrently } from '../lib/stream/stream-batch';

/**
 * Half a batch at once: each record spends most of its time waiting on SES and DynamoDB, and the shared
 * send-rate cap is what bounds the rate. This number also bounds the messages SES may have accepted but
 * the ledger not yet recorded when an instance dies, so a crash costs at most five duplicates (ten let the
 * kill -9 test see nine).
 */
const CONCURRENCY = 5;

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
