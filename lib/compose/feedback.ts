import { makeDynamoSendLedger } from '../adapters/dynamo/send-ledger';
import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { makeApplyMailFeedback } from '../use-cases/apply-mail-feedback';
import { makeRecordAcceptedSend } from '../use-cases/record-accepted-send';
import { metrics } from './metrics';
import { once } from './once';
import { systemClock } from './runtime';
import { suppressionsFor } from './suppressions';
import { tableFor } from './table';

/**
 * What the feedback function uses: the suppression list and the subscribers whose subscriptions end, and the
 * delivery ledger, where a Send event records what its sender could not.
 */
const table = tableFor('feedback');
const suppressions = suppressionsFor('feedback', table);

export const applyMailFeedback = once(async () => {
  const { db, tableName } = table();
  return makeApplyMailFeedback({
    subscribers: makeDynamoSubscriberStore(db, tableName),
    suppressions: await suppressions(),
    clock: systemClock,
    metrics: metrics(),
  });
});

export const recordAcceptedSend = once(() => {
  const { db, tableName } = table();
  return makeRecordAcceptedSend({ deliveries: makeDynamoSendLedger(db, tableName) });
});
