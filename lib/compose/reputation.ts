import { makeDynamoDigestPauseSwitch } from '../adapters/dynamo/digest-pause-store';
import { makeGuardReputation } from '../use-cases/guard-reputation';
import { once } from './once';
import { systemClock } from './runtime';
import { tableFor } from './table';

/** What the reputation function uses: the digest pause, nothing else. */
const table = tableFor('reputation');

export const guardReputation = once(() => {
  const { db, tableName } = table();
  return makeGuardReputation({ pauses: makeDynamoDigestPauseSwitch(db, tableName), clock: systemClock });
});
