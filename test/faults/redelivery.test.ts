import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTopicArn, simulatedFeedback, snsEvent } from '../../lib/local/ses-feedback';
import { seedAudience } from '../support/faults/audience';
import { expectExactlyOnce, outboxLetters, tally } from '../support/faults/inbox';
import { settle } from '../support/faults/settle';
import { MATCHING, OTHERS, SETTLE_MS } from '../support/faults/sizes';
import { storyAbout } from '../support/faults/story';
import { redeliver, streamRecords } from '../support/faults/stream-replay';
import { startTestStack, type TestStack } from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ TIDINGS_MAX_SEND_RATE: '1000' });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

/** SES's notification about `address` (a permanent bounce or a complaint), as SNS hands it to `feedback`. */
function feedbackEvent(outcome: 'bounce' | 'complaint', address: string) {
  const mail = {
    messageId: `faults-${address}`,
    from: 'alerts@tidings.local',
    to: [address],
    sentAt: new Date(),
  };
  const notification = simulatedFeedback(outcome, address, mail, new Date());
  return snsEvent(localTopicArn('mailFeedback'), JSON.stringify(notification), new Date());
}

describe('stream batches and SNS notifications delivered twice and out of order', () => {
  it(
    'every record seen again, newest first and twice at once, mails nobody a second time; redelivered bounces and complaints stop mail once',
    async () => {
      const word = 'quoll';
      const table = stack.env.TABLE_NAME ?? 'tidings';
      const audience = await seedAudience(
        stack.dynamodbUrl,
        table,
        stack.env.TIDINGS_SUPPRESSION_SALT ?? '',
        {
          prefix: word,
          query: word,
          matching: MATCHING,
          others: OTHERS,
        },
      );
      const first = storyAbout(word);
      expect((await stack.ingest(first)).status).toBe(201);
      expect(await settle(stack, word, SETTLE_MS)).toEqual([]);

      // Some readers bounce, some complain: each notification arrives twice, the later one first, and one of
      // each pair while the other is still being handled.
      const bounced = audience.expected.slice(0, 3);
      const complained = audience.expected.slice(3, 6);
      const events = [
        ...bounced.map((to) => feedbackEvent('bounce', to)),
        ...complained.map((to) => feedbackEvent('complaint', to)),
      ].reverse();
      for (const event of events)
        await Promise.all([stack.invoke('feedback', event), stack.invoke('feedback', event)]);
      for (const event of events) await stack.invoke('feedback', event);

      const second = {
        title: `Census counts twice as many ${word} as last year`,
        text: `Rangers counted twice as many ${word} in the national park as last year, a census found.`,
      };
      expect((await stack.ingest(second)).status).toBe(201);
      expect(await settle(stack, word, SETTLE_MS)).toEqual([]);

      // Now the whole stream again: articles to match, chunks to fan-out, queued deliveries to send.
      const given = await redeliver(stack, await streamRecords(stack.dynamodbUrl, table));
      expect(given.match).toBeGreaterThanOrEqual(2);
      expect(given.fanout).toBeGreaterThanOrEqual(2);
      expect(given.send).toBeGreaterThanOrEqual(2 * MATCHING - 6);
      expect(await settle(stack, word, SETTLE_MS)).toEqual([]);

      const letters = await outboxLetters(stack.outboxDir);
      const copiesOf = (title: string) => letters.filter((l) => l.subject.includes(title)).map((l) => l.to);
      expectExactlyOnce(
        'stream batches redelivered twice at once, newest first: first story',
        tally(audience, copiesOf(first.title)),
      );
      const stillMailed = {
        expected: audience.expected.filter((to) => !bounced.includes(to) && !complained.includes(to)),
        mustGetNothing: [...audience.mustGetNothing, ...bounced, ...complained],
      };
      expectExactlyOnce(
        'bounce and complaint notifications redelivered, out of order: next story',
        tally(stillMailed, copiesOf(second.title)),
      );
    },
    3 * SETTLE_MS,
  );
});
