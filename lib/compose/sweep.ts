import { makeDynamoDeliveryStore } from '../adapters/dynamo/delivery-store';
import { SHARDS } from '../adapters/dynamo/keys';
import { makeSweepDeliveries } from '../use-cases/sweep-deliveries';
import { once } from './once';
import { systemClock } from './runtime';
import { tableFor } from './table';

/** What the sweep function uses: the ledger's sweep index. */
const table = tableFor('sweep');

export const sweepDeliveries = once(() => {
  const { db, tableName } = table();
  return makeSweepDeliveries({
    deliveries: makeDynamoDeliveryStore(db, tableName),
    clock: systemClock,
    shards: SHARDS,
  });
});
