import { makeDynamoDeliveryStore } from '../adapters/dynamo/delivery-store';
import { logger } from '../log';
import { makeFanOut } from '../use-cases/fan-out';
import { once } from './once';
import { systemClock } from './runtime';
import { tableFor } from './table';

/** What the fan-out function uses: the delivery ledger, and nothing else. */
const table = tableFor('fanout');

export const fanOut = once(() => {
  const { db, tableName } = table();
  return makeFanOut({
    deliveries: makeDynamoDeliveryStore(db, tableName),
    clock: systemClock,
    onFailure: (subscriberId, error) =>
      logger.error('Recipient not written; the chunk will be retried', {
        subscriberId,
        error: error as Error,
      }),
  });
});
