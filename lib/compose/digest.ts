import { makeDynamoDigestPauseReader } from '../adapters/dynamo/digest-pause-store';
import { makeDynamoDigestStore } from '../adapters/dynamo/digest-store';
import { makeDynamoSubscriberStore } from '../adapters/dynamo/subscriber-store';
import { logger } from '../log';
import { makeQueueDigests } from '../use-cases/queue-digests';
import { once } from './once';
import { systemClock } from './runtime';
import { tableFor } from './table';

/** What the digest function uses: the digest subscribers, their held matches and the reputation guard's pause. */
const table = tableFor('digest');

export const queueDigests = once(() => {
  const { db, tableName } = table();
  return makeQueueDigests({
    subscribers: makeDynamoSubscriberStore(db, tableName),
    digests: makeDynamoDigestStore(db, tableName),
    digestPause: makeDynamoDigestPauseReader(db, tableName),
    clock: systemClock,
    log: {
      failed: (subscriberId, error) =>
        logger.error('Digest failed; the run goes on', {
          subscriberId,
          error: error instanceof Error ? error : String(error),
        }),
    },
  });
});
