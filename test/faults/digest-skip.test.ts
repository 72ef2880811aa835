import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestRunSummary } from '../../lib/use-cases/queue-digests';
import { expectExactlyOnce, outboxLetters, tally } from '../support/faults/inbox';
import { settle } from '../support/faults/settle';
import { MATCHING, OTHERS, SETTLE_MS } from '../support/faults/sizes';
import { audienceOn } from '../support/faults/story';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ TIDINGS_MAX_SEND_RATE: '1000' });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

const word = 'dugong';
const stories = [
  { title: 'Dugong calf born in the bay', text: 'A dugong calf was born in the bay, keepers said.' },
  {
    title: 'Seagrass beds feed more dugong herds',
    text: 'Restored seagrass now feeds several dugong herds.',
  },
  { title: 'Divers film a dugong at night', text: 'Night divers filmed a dugong grazing near the reef.' },
];

/**
 * One run of the digest schedule as of `at` (the clock the function takes as now, as `tidings digest run
 * --at` sets it), then the sends it queued.
 */
async function digestRun(at: string): Promise<DigestRunSummary> {
  const summary = (await stack.invoke('digest', { at })) as DigestRunSummary;
  expect(await settle(stack, word, SETTLE_MS)).toEqual([]);
  return summary;
}

describe('the digest schedule down for a day, then back', () => {
  it(
    'the day after the gap brings one catch-up digest: every story exactly once, nobody else mailed',
    async () => {
      // Daily readers with their digest at 07:00 UTC; the test's clock starts on the day they subscribed.
      const today = new Date().toISOString().slice(0, 10);
      const day = (offset: number, time: string) =>
        new Date(Date.parse(`${today}T${time}Z`) + offset * 86_400_000).toISOString();
      const audience = await audienceOn(stack, word, 'daily');
      const ingest = async (story: (typeof stories)[number]) => {
        expect((await stack.ingest(story)).status).toBe(201);
        await stack.whenIdle(60_000);
      };

      await ingest(stories[0] as (typeof stories)[number]);
      // The suppressed readers are still active: their digests are queued, and the send skips them.
      const first = await digestRun(day(1, '07:05:00'));
      expect(first.queued).toBe(MATCHING + OTHERS);

      // The next day's runs never happen; two stories arrive meanwhile.
      await ingest(stories[1] as (typeof stories)[number]);
      await ingest(stories[2] as (typeof stories)[number]);

      // Back the day after: one digest with both, and runs later that day or the next find nothing new.
      const catchUp = await digestRun(day(3, '07:05:00'));
      expect(catchUp.queued).toBe(MATCHING + OTHERS);
      const laterThatDay = await digestRun(day(3, '07:20:00'));
      expect(laterThatDay.queued).toBe(0);
      const nextDay = await digestRun(day(4, '07:05:00'));
      expect(nextDay.queued).toBe(0);

      const digests = await Promise.all(
        (await outboxLetters(stack.outboxDir))
          .filter((l) => l.to.startsWith(`${word}-`))
          .map(async (l) => ({
            to: l.to,
            text: ((await simpleParser(l.raw)).text ?? '').replace(/\s+/g, ' '),
          })),
      );
      for (const [i, story] of stories.entries()) {
        const copies = digests.filter((d) => d.text.includes(story.title)).map((d) => d.to);
        expectExactlyOnce(
          `digest schedule skipped a day, then resumed: story ${i + 1} of 3`,
          tally(audience, copies),
        );
      }
      // Two digests each: the first day's and one catch-up, not one per missed day.
      const perReader = new Map<string, number>();
      for (const d of digests) perReader.set(d.to, (perReader.get(d.to) ?? 0) + 1);
      expect([...perReader.values()].every((n) => n === 2)).toBe(true);
      expect(perReader.size).toBe(MATCHING);
    },
    6 * SETTLE_MS,
  );
});
