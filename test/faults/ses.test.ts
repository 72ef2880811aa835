import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../support/faults/fault-proxy';
import { expectExactlyOnce } from '../support/faults/inbox';
import { MATCHING, SETTLE_MS, WINDOW_MS } from '../support/faults/sizes';
import { storyUnderFault } from '../support/faults/story';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;
let ses: FaultProxy;

beforeAll(async () => {
  stack = await startTestStack(
    { TIDINGS_MAX_SEND_RATE: '1000' },
    {
      endpointsFor: async (emulators) => {
        ses = await startFaultProxy('ses', emulators.ses);
        return { ...emulators, ses: ses.url };
      },
    },
  );
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await ses?.stop();
});

describe('the SES endpoint pushing back, then recovering', () => {
  it(
    'Throttling on the next sends: every subscriber still gets the story exactly once',
    async () => {
      const before = ses.faulted();
      const run = await storyUnderFault(stack, 'ocelot', {
        arm: () => ses.add({ operation: 'SendRawEmail', answer: { kind: 'throttle' }, times: MATCHING * 2 }),
        disarm: () => ses.clear(),
      });
      // The fault really happened: SES answered Throttling that many times.
      expect(ses.faulted() - before).toBe(MATCHING * 2);
      expectExactlyOnce(`SES Throttling on the next ${MATCHING * 2} sends`, run.counted);
      // Every message went out within the invocation that claimed it.
      expect(run.sentLate).toEqual([]);
    },
    SETTLE_MS + 60_000,
  );

  it(
    '5xx for a while: every subscriber still gets the story exactly once',
    async () => {
      const before = ses.faulted();
      const run = await storyUnderFault(stack, 'pangolin', {
        arm: () =>
          ses.add({
            operation: 'SendRawEmail',
            answer: { kind: 'server-error', status: 503 },
            forMs: WINDOW_MS,
          }),
        disarm: () => ses.clear(),
      });
      expect(ses.faulted() - before).toBeGreaterThan(0);
      expectExactlyOnce(`SES 503 on every send for ${WINDOW_MS / 1000} s`, run.counted);
      expect(run.sentLate).toEqual([]);
    },
    SETTLE_MS + 60_000,
  );
});
