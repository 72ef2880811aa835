import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdOfOutboxFile } from '../../lib/local/ses-endpoint';
import {
  eventually,
  linkIn,
  mailFor,
  mailTo,
  type Received,
  startTestStack,
  type TestStack,
} from '../support/local-stack';

let stack: TestStack;

beforeAll(async () => {
  // Several subscriptions from one client in a minute: more than the default per-IP limit allows.
  stack = await startTestStack({ TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE: '100' });
});

afterAll(async () => {
  await stack?.close();
});

const subscribe = (email: string, topics: string[]) =>
  fetch(`${stack.apiUrl}/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, topics, frequency: 'instant' }),
  });

const mailToAddress = (address: string, count: number) => mailTo(stack.outboxDir, address, count);

/** The local SES endpoint names each message by its SES message id, and so does the outbox. */
const messageIdOf = (received: Received) => messageIdOfOutboxFile(received.file);

async function subscriberOf(email: string) {
  const items = await stack.items();
  const claim = items.find((item) => item.pk === `EMAIL#${email}`);
  const id = claim?.subscriberId as string;
  return {
    id,
    profile: items.find((item) => item.pk === `SUB#${id}` && item.sk === 'PROFILE'),
    consent: items.filter((item) => item.pk === `SUB#${id}` && String(item.sk).startsWith('CONSENT#')),
  };
}

const statusOf = async (email: string) => (await subscriberOf(email)).profile?.status;

/** Every item but the per-client rate counters, which count the request and not the address. */
const itemsButRateCounters = async () =>
  (await stack.items()).filter((item) => !String(item.pk).startsWith('RATE#'));

async function expectSubscribeRefusedQuietly(email: string) {
  const before = await itemsButRateCounters();
  const mailBefore = (await mailFor(stack.outboxDir, email)).length;
  const again = await subscribe(email, ['quokka']);
  expect(again.status).toBe(202);
  expect(await again.json()).toEqual({ status: 'pending_confirmation' });
  await stack.whenIdle();
  expect(await itemsButRateCounters()).toEqual(before);
  expect(await mailFor(stack.outboxDir, email)).toHaveLength(mailBefore);
}

describe('SES feedback, through the local SES mailbox simulator', () => {
  it.each([
    ['bounce@simulator.amazonses.com', 'Permanent/General'],
    ['suppressionlist@simulator.amazonses.com', 'Permanent/OnAccountSuppressionList'],
  ])(
    'suppresses %s when its confirmation bounces, and never mails it again',
    async (email, bounce) => {
      expect((await subscribe(email, ['wombat'])).status).toBe(202);
      const [confirmation] = await mailToAddress(email, 1);
      if (!confirmation) throw new Error('no confirmation');
      // SES accepted the confirmation; the simulator's bounce comes back as feedback.
      await eventually(async () => ((await statusOf(email)) === 'suppressed' ? true : undefined));
      const { consent } = await subscriberOf(email);
      expect(consent.filter((line) => line.source === 'ses-feedback')).toEqual([
        expect.objectContaining({
          action: 'suppressed',
          detail: expect.stringContaining(
            `SES permanent bounce (${bounce}) of message ${messageIdOf(confirmation)}`,
          ),
        }),
      ]);

      // The link that did reach someone (it cannot, here) activates nothing.
      const confirmed = await fetch(linkIn(confirmation.mail.text ?? '', '/confirm'), {
        method: 'POST',
        headers: { accept: 'application/json' },
      });
      expect(confirmed.status).toBe(400);
      expect(((await confirmed.json()) as { error: { message: string } }).error.message).toMatch(
        /bounced or was reported as spam/,
      );
      expect(await statusOf(email)).toBe('suppressed');

      const article = await stack.ingest({
        title: 'Wombat burrows mapped',
        text: `A wombat census (${email}).`,
      });
      expect(article.status).toBe(201);
      await stack.whenIdle();
      expect(await mailFor(stack.outboxDir, email)).toHaveLength(1);
      await expectSubscribeRefusedQuietly(email);
    },
    60_000,
  );

  it('suppresses a reader whose alert bounced, unsubscribes one who complained, and sends neither anything more', async () => {
    const bouncing = 'bounce+alerts@simulator.amazonses.com';
    const complaining = 'complaint@simulator.amazonses.com';
    // SES's feedback can take minutes; held back here, both readers confirm and get their alert first.
    stack.mailFeedback.hold();
    for (const email of [bouncing, complaining]) {
      expect((await subscribe(email, ['quokka'])).status).toBe(202);
      const [confirmation] = await mailToAddress(email, 1);
      const confirmed = await fetch(linkIn(confirmation?.mail.text ?? '', '/confirm'), {
        method: 'POST',
        headers: { accept: 'application/json' },
      });
      expect(await confirmed.json()).toEqual({ status: 'confirmed', activatedTopics: 1 });
    }

    const first = await stack.ingest({
      title: 'Quokka numbers rise on Rottnest',
      text: 'Rangers counted more quokka families on Rottnest Island than in any year before.',
    });
    expect(first.status).toBe(201);
    for (const email of [bouncing, complaining]) {
      const [, alert] = await mailToAddress(email, 2);
      expect(alert?.mail.subject).toContain('Quokka numbers rise on Rottnest');
    }

    stack.mailFeedback.release();
    await eventually(async () => ((await statusOf(bouncing)) === 'suppressed' ? true : undefined));
    await eventually(async () => ((await statusOf(complaining)) === 'unsubscribed' ? true : undefined));
    await stack.whenIdle();

    // The next matching article reaches neither: their topics left the match index.
    const second = await stack.ingest({
      title: 'A quokka selfie ban is proposed',
      text: 'Island authorities want visitors to keep their distance from every quokka they meet.',
    });
    expect(second.status).toBe(201);
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, bouncing)).toHaveLength(2);
    expect(await mailFor(stack.outboxDir, complaining)).toHaveLength(2);
    const items = await stack.items();
    for (const email of [bouncing, complaining]) {
      const { id } = await subscriberOf(email);
      expect(
        items.filter((item) => item.pk === `SUB#${id}` && String(item.sk).startsWith('DELIVERY#ALERT')),
      ).toHaveLength(1);
    }

    // Two reports each (the confirmation's and the alert's), one transition each in the ledger.
    const bounced = (await subscriberOf(bouncing)).consent.filter((line) => line.source === 'ses-feedback');
    expect(bounced).toEqual([
      expect.objectContaining({
        action: 'suppressed',
        detail: expect.stringContaining('SES permanent bounce (Permanent/General)'),
      }),
    ]);
    const complained = (await subscriberOf(complaining)).consent.filter(
      (line) => line.source === 'ses-feedback',
    );
    expect(complained).toEqual([
      expect.objectContaining({
        action: 'unsubscribed',
        detail: expect.stringMatching(/^SES complaint \(abuse\) about message .+; address suppressed$/),
      }),
    ]);

    for (const email of [bouncing, complaining]) await expectSubscribeRefusedQuietly(email);
  }, 90_000);
});
