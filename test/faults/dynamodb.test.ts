import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../support/faults/fault-proxy';
import { expectExactlyOnce } from '../support/faults/inbox';
import { DB_WINDOW_MS, SETTLE_MS } from '../support/faults/sizes';
import { storyUnderFault } from '../support/faults/story';
import { startTestStack, type TestStack } from '../support/local-stack';

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

describe('DynamoDB throttling and slow or dropped answers', () => {
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
});
