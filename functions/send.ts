import type { DynamoDBStreamEvent } from 'aws-lambda';
import { sendDelivery as composeSendDelivery } from '../lib/compose/send';
import { logger } from '../lib/log';
import type { Delivery } from '../lib/ports';
import { forEachNewImage } from '../lib/stream/stream-batch';

/** Queued delivery records → render and send through SES, once each. */
export const handler = async (event: DynamoDBStreamEvent) => {
  const sendDelivery = await composeSendDelivery();
  return forEachNewImage(event, async (image) => {
    const outcome = await sendDelivery(image as unknown as Delivery);
    logger.info('Delivery handled', { subscriberId: image.subscriberId, key: image.key, outcome });
  });
};
