import { SWEEP_SHARDS } from '../adapters/dynamo/keys';
import { makeDynamoSendLedger } from '../adapters/dynamo/send-ledger';
import { makeSweepDeliveries } from '../use-cases/sweep-deliveries';
import { once } from './once';
import { systemClock } from './runtime';
import { tableFor } from './table';

/** What the sweep function uses: the ledger's sweep index. */
const table = tableFor('sweep');

export const sweepDeliveries = once(() => {
  const { db, tableName } = table();
  return makeSweepDeliveries({
    deliveries: makeDynamoSendLedger(db, tableName),
    clock: systemClock,
    shards: SWEEP_SHARDS,
  });
});
