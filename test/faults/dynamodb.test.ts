import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../support/faults/fault-proxy';
import { expectExactlyOnce } from '../support/faults/inbox';
import { DB_WINDOW_MS, SETTLE_MS } from '../support/faults/sizes';
import { storyUnderFault } from '../support/faults/story';
import { eventually, startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let dynamodb: FaultProxy;

const READS = ['GetItem', 'BatchGetItem', 'Query'];
const WRITES = ['PutItem', 'UpdateItem', 'BatchWriteItem', 'TransactWriteItems', 'DeleteItem'];

beforeAll(async () => {
  stack = await startTestStack(
    {
      TIDINGS_MAX_SEND_RATE: '1000',
      // A claim whose answer was lost (the connection dropped after the write) waits this long for the
      // sweeper; the faults here keep every invocation far shorter, so no live sender holds a claim this old.
      TIDINGS_CLAIM_TIMEOUT_SECONDS: '20',
    },
    {
      endpointsFor: async (emulators) => {
        dynamodb = await startFaultProxy('dynamodb', emulators.dynamodb);
        return { ...emulators, dynamodb: dynamodb.url };
      },
    },
  );
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await dynamodb?.stop();
});

describe('DynamoDB throttling and slow, dropped or hung answers', () => {
  it(
    'ProvisionedThroughputExceededException on a fifth of reads and writes: exactly once for everyone',
    async () => {
      const before = dynamodb.faulted();
      const run = await storyUnderFault(stack, 'narwhal', {
        armAfterIngest: true,
        arm: () => {
          for (const operation of [...READS, ...WRITES]) {
            dynamodb.add({ operation, answer: { kind: 'throttle' }, share: 0.2, forMs: DB_WINDOW_MS });
          }
        },
        disarm: () => dynamodb.clear(),
      });
      expect(dynamodb.faulted() - before).toBeGreaterThan(0);
      expectExactlyOnce(
        `DynamoDB ProvisionedThroughputExceeded on 20% of reads and writes for ${DB_WINDOW_MS / 1000} s`,
        run.counted,
      );
      expect(run.sentLate).toEqual([]);
    },
    SETTLE_MS + 60_000,
  );

  it(
    'reads and writes answered late, some never answered (the write done, the connection dropped): exactly once',
    async () => {
      const before = dynamodb.faulted();
      const run = await storyUnderFault(stack, 'axolotl', {
        armAfterIngest: true,
        arm: () => {
          for (const operation of [...READS, ...WRITES]) {
            dynamodb.add({
              operation,
              answer: { kind: 'reset-after', ms: 1_000 },
              share: 0.05,
              forMs: DB_WINDOW_MS,
            });
            dynamodb.add({
              operation,
              answer: { kind: 'delay-request', ms: 1_500 },
              share: 0.1,
              forMs: DB_WINDOW_MS,
            });
            dynamodb.add({
              operation,
              answer: { kind: 'delay-response', ms: 1_500 },
              share: 0.1,
              forMs: DB_WINDOW_MS,
            });
          }
        },
        disarm: () => dynamodb.clear(),
      });
      expect(dynamodb.faulted() - before).toBeGreaterThan(0);
      expectExactlyOnce(
        `DynamoDB answers held 1.5 s (20%) or dropped after the write (5%) for ${DB_WINDOW_MS / 1000} s`,
        run.counted,
      );
      expect(run.sentLate).toEqual([]);
    },
    SETTLE_MS + 60_000,
  );

  it(
    'reads and writes that never get an answer (before and after the write): the SDK gives up and retries, exactly once',
    async () => {
      const before = dynamodb.faulted();
      const run = await storyUnderFault(stack, 'pangolin', {
        armAfterIngest: true,
        arm: () => {
          for (const operation of [...READS, ...WRITES]) {
            for (const forward of [false, true]) {
              dynamodb.add({
                operation,
                answer: { kind: 'hang', forward },
                share: 0.02,
                forMs: DB_WINDOW_MS,
              });
            }
          }
        },
        disarm: () => dynamodb.clear(),
      });
      expect(dynamodb.faulted() - before).toBeGreaterThan(0);
      // Every hung request was abandoned by the function that made it (its request timeout): without one, a
      // hung call waits on the dead connection for good, as the local runner does not kill a timed-out
      // invocation, and the connection would still be open here.
      // A background read (the sweeper's, the matcher's poll) may have hung just before the window closed.
      await eventually(async () => (dynamodb.hangs().open === 0 ? true : undefined), 20_000);
      const { givenUpAfterMs } = dynamodb.hangs();
      expect(givenUpAfterMs.length).toBeGreaterThan(0);
      console.log(
        `faults: hung DynamoDB requests given up after ${Math.min(...givenUpAfterMs)}–${Math.max(...givenUpAfterMs)} ms`,
      );
      expectExactlyOnce(
        `DynamoDB answers never sent (4%, half after the write) for ${DB_WINDOW_MS / 1000} s: the request timeout`,
        run.counted,
      );
      expect(run.sentLate).toEqual([]);
    },
    SETTLE_MS + 60_000,
  );
});
