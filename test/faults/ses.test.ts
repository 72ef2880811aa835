import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAudience } from '../support/faults/audience';
import { type FaultProxy, startFaultProxy } from '../support/faults/fault-proxy';
import { expectExactlyOnce, outboxLetters, tally } from '../support/faults/inbox';
import { settle } from '../support/faults/settle';
import { MATCHING, OTHERS, SETTLE_MS, WINDOW_MS } from '../support/faults/sizes';
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

/** Subscribes an audience to `word`, publishes a story about it, lets the stack settle, and counts. */
async function storyUnderFault(word: string, arm: () => void) {
  const audience = await seedAudience(
    stack.dynamodbUrl,
    stack.env.TABLE_NAME ?? 'tidings',
    stack.env.TIDINGS_SUPPRESSION_SALT ?? '',
    {
      prefix: word,
      query: word,
      matching: MATCHING,
      others: OTHERS,
    },
  );
  arm();
  const title = `${word} sighted near the harbour`;
  expect((await stack.ingest({ title, text: `A ${word} was sighted near the harbour.` })).status).toBe(201);
  const unfinished = await settle(stack, word, SETTLE_MS);
  ses.clear();
  expect(unfinished).toEqual([]);
  const letters = (await outboxLetters(stack.outboxDir)).filter((l) => l.subject.includes(title));
  return tally(
    audience,
    letters.map((l) => l.to),
  );
}

describe('the SES endpoint pushing back, then recovering', () => {
  it(
    'Throttling on the next sends: every subscriber still gets the story exactly once',
    async () => {
      const before = ses.faulted();
      const counted = await storyUnderFault('ocelot', () =>
        ses.add({ operation: 'SendRawEmail', answer: { kind: 'throttle' }, times: MATCHING * 2 }),
      );
      // The fault really happened: SES answered Throttling that many times.
      expect(ses.faulted() - before).toBe(MATCHING * 2);
      expectExactlyOnce(`SES Throttling on the next ${MATCHING * 2} sends`, counted);
    },
    SETTLE_MS + 60_000,
  );

  it(
    '5xx for a while: every subscriber still gets the story exactly once',
    async () => {
      const before = ses.faulted();
      const counted = await storyUnderFault('pangolin', () =>
        ses.add({
          operation: 'SendRawEmail',
          answer: { kind: 'server-error', status: 503 },
          forMs: WINDOW_MS,
        }),
      );
      expect(ses.faulted() - before).toBeGreaterThan(0);
      expectExactlyOnce(`SES 503 on every send for ${WINDOW_MS / 1000} s`, counted);
    },
    SETTLE_MS + 60_000,
  );
});
