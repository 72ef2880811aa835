import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeDynamoArticleBatchReader,
  makeDynamoArticleStore,
} from '../../lib/adapters/dynamo/article-store';
import { makeDynamoArticleWriter } from '../../lib/adapters/dynamo/article-writer';
import { makeDynamoDeliveryStore } from '../../lib/adapters/dynamo/delivery-store';
import {
  makeDynamoDigestPauseReader,
  makeDynamoDigestPauseSwitch,
} from '../../lib/adapters/dynamo/digest-pause-store';
import { makeDynamoDigestStore } from '../../lib/adapters/dynamo/digest-store';
import { keys, SWEEP_SHARDS } from '../../lib/adapters/dynamo/keys';
import { makeDynamoSendPause } from '../../lib/adapters/dynamo/send-control';
import { makeDynamoStoryReader } from '../../lib/adapters/dynamo/story-reader';
import { makeDynamoTopicsByKey } from '../../lib/adapters/dynamo/subscriber-reader';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import { makeDynamoSuppressionList } from '../../lib/adapters/dynamo/suppression-list';
import { makeRecordingMetrics } from '../../lib/adapters/metrics/recording-metrics';
import { normaliseArticle } from '../../lib/articles';
import {
  DailyQuotaExceededError,
  MailRejectedError,
  MailRetryableError,
  MailThrottledError,
} from '../../lib/errors';
import type {
  AlertDelivery,
  ConfirmationDelivery,
  DeliveryStore,
  Mailer,
  OutgoingMail,
} from '../../lib/ports';
import { deliveryTags } from '../../lib/sending/delivery-tags';
import { parseSesFeedback, type SendFeedback } from '../../lib/subscriptions/ses-feedback';
import { makeAddressHasher } from '../../lib/subscriptions/suppression';
import { makeTokens } from '../../lib/subscriptions/tokens';
import { makeCheckHealth } from '../../lib/use-cases/check-health';
import { makeLinks } from '../../lib/use-cases/links';
import { makeRecordAcceptedSend } from '../../lib/use-cases/record-accepted-send';
import { makeSendDelivery } from '../../lib/use-cases/send-delivery';
import { makeSweepDeliveries } from '../../lib/use-cases/sweep-deliveries';
import { startTestTable, viaApi } from '../support/dynamo';
import { sendEvent } from '../support/ses-events';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

/** A mailer that fails the way SES does when throttled, a given number of times, then accepts. */
function flakyMailer(failures: number) {
  const sent: OutgoingMail[] = [];
  let calls = 0;
  const mailer: Mailer = {
    async send(mail) {
      calls++;
      // As the SES adapter classifies SES's `Throttling` answer.
      if (calls <= failures) throw new MailRetryableError('Maximum sending rate exceeded.');
      sent.push(mail);
      return `msg-${sent.length}`;
    },
    async checkReachable() {
      if (failures > 0) throw new Error('unreachable');
    },
  };
  return { mailer, sent };
}

async function setUp(
  mailer: Mailer,
  subscriberId: string,
  wrapDeliveries: (store: DeliveryStore) => DeliveryStore = (store) => store,
) {
  const { db, tableName } = table;
  const stores = {
    articles: { ...makeDynamoArticleStore(db, tableName), ...makeDynamoArticleBatchReader(db, tableName) },
    stories: makeDynamoStoryReader(db, tableName),
    subscribers: { ...makeDynamoSubscriberStore(db, tableName), ...makeDynamoTopicsByKey(db, tableName) },
    deliveries: wrapDeliveries(makeDynamoDeliveryStore(db, tableName)),
    suppressions: makeDynamoSuppressionList(db, tableName, makeAddressHasher('test-suppression-salt')),
  };
  // One pause item for the whole table: the pause test removes it when done.
  const pause = makeDynamoSendPause(db, tableName);
  const recorded = makeRecordingMetrics();
  let now = new Date('2026-11-27T10:00:00Z');
  let attempt = 0;
  const article = normaliseArticle(
    { title: 'Iran and Iraq sign an accord', text: `Iran and Iraq signed (${subscriberId}).` },
    now,
  );
  await makeDynamoArticleWriter(db, tableName).putIfAbsent(article);
  await stores.subscribers.create({
    id: subscriberId,
    email: `${subscriberId}@example.com`,
    status: 'pending',
    timezone: 'UTC',
    digestHour: 7,
    createdAt: now.toISOString(),
  });
  await stores.subscribers.addTopics([
    {
      subscriberId,
      id: 't1',
      query: 'Iran AND Iraq',
      frequency: 'instant',
      status: 'pending',
      requestId: 'r1',
      createdAt: now.toISOString(),
    },
  ]);
  expect(await stores.subscribers.confirm(subscriberId, 'r1', now, viaApi)).toBe(1);
  const delivery: AlertDelivery = {
    kind: 'alert',
    subscriberId,
    key: `ALERT#${article.id}`,
    articleId: article.id,
    topics: [{ topicId: 't1', terms: ['iran', 'iraq'] }],
  };
  expect(await stores.deliveries.queueAlert(delivery, now)).toBe(true);
  expect(await stores.deliveries.queueAlert(delivery, now)).toBe(false);
  const send = makeSendDelivery({
    ...stores,
    mailer,
    throttle: { take: async () => {} },
    pause,
    digestPause: makeDynamoDigestPauseReader(table.db, table.tableName),
    metrics: recorded.metrics,
    clock: { now: () => now },
    ids: { newId: () => `attempt-${++attempt}` },
    links: makeLinks('https://news.example.com', makeTokens('secret')),
    mailFrom: 'Tidings <alerts@example.com>',
    claimTimeoutMs: 120_000,
    sleep: async () => {},
  });
  const sweep = makeSweepDeliveries({
    deliveries: stores.deliveries,
    clock: { now: () => now },
    shards: SWEEP_SHARDS,
  });
  const ledger = async () =>
    (
      await table.db.send(
        new GetCommand({ TableName: table.tableName, Key: keys.delivery(subscriberId, delivery.key) }),
      )
    ).Item;
  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return { send, sweep, delivery, ledger, stores, later, pause, recorded };
}

describe('sending a delivery, with the per-recipient ledger', () => {
  it('sends once, records the message id, and a second worker sends nothing', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, delivery, ledger } = await setUp(mailer, 'sub-once');
    expect(await send(delivery)).toBe('sent');
    expect(await send(delivery)).toBe('already-taken');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.raw.toString()).toMatch(
      /^List-Unsubscribe: <https:\/\/news\.example\.com\/unsubscribe\?token=/m,
    );
    expect(await ledger()).toMatchObject({ status: 'sent', messageId: 'msg-1', attempts: 1 });
  });

  it('holds a queued digest while the reputation guard pauses digests, uncounted, and sends it once resumed', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, sweep, delivery: alert, stores, later, recorded } = await setUp(mailer, 'sub-guarded');
    const { db, tableName } = table;
    // Another story than the alert's: one the subscriber already had would be left out of the digest.
    const story = normaliseArticle(
      {
        title: 'Iran and Iraq reopen a crossing',
        text: 'The Mehran crossing between Iran and Iraq reopened.',
      },
      new Date('2026-11-27T09:00:00Z'),
    );
    await makeDynamoArticleWriter(db, tableName).putIfAbsent(story);
    await stores.deliveries.holdForDigest(
      'sub-guarded',
      'daily',
      { articleId: story.id, topics: alert.topics },
      new Date('2026-11-27T10:00:00Z'),
    );
    const digest = await makeDynamoDigestStore(db, tableName).queueDigest(
      {
        subscriberId: 'sub-guarded',
        key: 'DIGEST#daily#2026-11-27',
        period: 'daily',
        periodKey: '2026-11-27',
        periods: ['daily'],
        activeTopicIds: new Set(['t1']),
        limit: 20,
      },
      new Date('2026-11-27T10:00:00Z'),
    );
    if (!digest) throw new Error('No digest was queued.');
    const guard = makeDynamoDigestPauseSwitch(db, tableName);
    await guard.pause({ pausedAt: '2026-11-27T09:59:00Z', pausedBy: 'alarm:test', reason: 'bounce rate' });
    try {
      const digestItem = async () =>
        (
          await db.send(
            new GetCommand({ TableName: tableName, Key: keys.delivery('sub-guarded', digest.key) }),
          )
        ).Item;
      expect(await send(digest)).toBe('deferred');
      expect(await digestItem()).toMatchObject({ status: 'retry', attempts: 0 });
      // Alerts go on while digests are held.
      expect(await send(alert)).toBe('sent');
      expect(sent).toHaveLength(1);
      // Still paused when the sweeper brings it back: held again, never counted as a try.
      later(16 * 60_000);
      expect(await sweep()).toMatchObject({ retries: 1 });
      expect(await send(digest)).toBe('deferred');
      expect(await digestItem()).toMatchObject({ status: 'retry', attempts: 0 });

      await guard.resume('operator:test', new Date('2026-11-27T10:30:00Z'));
      later(16 * 60_000);
      expect(await sweep()).toMatchObject({ retries: 1 });
      expect(await send(digest)).toBe('sent');
      expect(await send(digest)).toBe('already-taken');
      expect(sent).toHaveLength(2);
      expect(recorded.counts()).toEqual({ AlertsSent: 1, DigestsSent: 1 });
    } finally {
      await guard.resume('operator:test', new Date());
    }
  });

  it('counts each message SES accepted by its kind, and each throttled try, and nothing else', async () => {
    const { mailer } = flakyMailer(0);
    const once = await setUp(mailer, 'sub-counted');
    expect(await once.send(once.delivery)).toBe('sent');
    expect(await once.send(once.delivery)).toBe('already-taken');
    expect(once.recorded.counts()).toEqual({ AlertsSent: 1 });

    let tries = 0;
    const throttled: Mailer = {
      ...mailer,
      async send(mail) {
        if (++tries <= 2) throw new MailThrottledError('Maximum sending rate exceeded.');
        return mailer.send(mail);
      },
    };
    const twice = await setUp(throttled, 'sub-counted-throttled');
    expect(await twice.send(twice.delivery)).toBe('sent');
    expect(twice.recorded.counts()).toEqual({ AlertsSent: 1, SendThrottles: 2 });
  });

  it('retries a throttled send with backoff inside the claim, and sends it exactly once', async () => {
    const { mailer, sent } = flakyMailer(2);
    const { send, delivery, ledger } = await setUp(mailer, 'sub-throttled');
    expect(await send(delivery)).toBe('sent');
    expect(sent).toHaveLength(1);
    expect(await ledger()).toMatchObject({ status: 'sent', attempts: 1, messageId: 'msg-1' });
  });

  it('puts a delivery SES keeps throttling aside, and the sweeper queues it again once its retry is due', async () => {
    const { mailer, sent } = flakyMailer(4);
    const { send, sweep, delivery, ledger, later } = await setUp(mailer, 'sub-throttled-long');
    expect(await send(delivery)).toBe('deferred');
    expect(await ledger()).toMatchObject({ status: 'retry', lastError: 'Maximum sending rate exceeded.' });
    // A second look at the record (the stream retrying it) finds nothing to do.
    expect(await send(delivery)).toBe('already-taken');
    expect(await sweep()).toEqual({ staleClaims: 0, retries: 0 });
    later(31_000);
    expect(await sweep()).toEqual({ staleClaims: 0, retries: 1 });
    expect(await ledger()).toMatchObject({ status: 'queued', requeues: 1 });
    expect(await send(delivery)).toBe('sent');
    expect(sent).toHaveLength(1);
    const item = await ledger();
    expect(item).toMatchObject({ status: 'sent', attempts: 2 });
    expect(item).not.toHaveProperty('gsi1pk');
  });

  it('marks a delivery SES rejects failed, with the reason, and never retries it', async () => {
    let calls = 0;
    const mailer: Mailer = {
      async send() {
        calls++;
        throw new MailRejectedError('Email address is not verified.');
      },
      async checkReachable() {},
    };
    const { send, sweep, delivery, ledger, later } = await setUp(mailer, 'sub-rejected');
    expect(await send(delivery)).toBe('failed');
    later(3_600_000);
    expect(await sweep()).toEqual({ staleClaims: 0, retries: 0 });
    expect(await send(delivery)).toBe('already-taken');
    expect(calls).toBe(1);
    const item = await ledger();
    expect(item).toMatchObject({ status: 'failed', failReason: 'Email address is not verified.' });
    expect(item).not.toHaveProperty('gsi1pk');
  });

  it('pauses every sender when the daily quota is used up, and resumes by itself after the pause', async () => {
    let calls = 0;
    const sent: OutgoingMail[] = [];
    const mailer: Mailer = {
      async send(mail) {
        calls++;
        if (calls === 1) throw new DailyQuotaExceededError('Daily message quota exceeded.');
        sent.push(mail);
        return `msg-${sent.length}`;
      },
      async checkReachable() {},
    };
    const { send, sweep, delivery, ledger, later, pause } = await setUp(mailer, 'sub-quota');
    expect(await send(delivery)).toBe('deferred');
    expect(await ledger()).toMatchObject({ status: 'retry', lastError: 'Daily message quota exceeded.' });
    later(60_000);
    expect(await pause.pausedUntil(new Date('2026-11-27T10:01:00Z'))).toEqual(
      new Date('2026-11-27T10:15:00Z'),
    );
    later(15 * 60_000);
    expect(await sweep()).toEqual({ staleClaims: 0, retries: 1 });
    expect(await send(delivery)).toBe('sent');
    expect(calls).toBe(2);
    expect(sent).toHaveLength(1);
    await table.db.send(new DeleteCommand({ TableName: table.tableName, Key: keys.sendPause() }));
  });

  it('when SES accepted but recording failed, retries only the recording: one message', async () => {
    const { mailer, sent } = flakyMailer(0);
    let failures = 2;
    const { send, delivery, ledger } = await setUp(mailer, 'sub-unrecorded', (store) => ({
      ...store,
      async markSent(...args) {
        if (failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
        return store.markSent(...args);
      },
    }));
    expect(await send(delivery)).toBe('sent');
    expect(await send(delivery)).toBe('already-taken');
    expect(sent).toHaveLength(1);
    expect(await ledger()).toMatchObject({ status: 'sent', messageId: 'msg-1', attempts: 1 });
  });

  it('a worker that died after its claim: the sweeper queues it again once stale, and one mail goes out', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, sweep, delivery, ledger, stores, later } = await setUp(mailer, 'sub-died');
    const at = new Date('2026-11-27T10:00:00Z');
    await stores.deliveries.claim('sub-died', delivery.key, {
      at,
      staleBefore: new Date(0),
      sweepAt: new Date(at.getTime() + 120_000),
      attemptId: 'dead-worker',
    });
    // The redelivered record finds the claim young and leaves it: the sweeper is what finishes it.
    expect(await send(delivery)).toBe('already-taken');
    later(60_000);
    expect(await sweep()).toEqual({ staleClaims: 0, retries: 0 });
    later(61_000);
    expect(await sweep()).toEqual({ staleClaims: 1, retries: 0 });
    expect(await sweep()).toEqual({ staleClaims: 0, retries: 0 });
    expect(await send(delivery)).toBe('sent');
    expect(await send(delivery)).toBe('already-taken');
    expect(sent).toHaveLength(1);
    expect(await ledger()).toMatchObject({ status: 'sent', attempts: 2, requeues: 1 });
  });

  it('takes over the claim of a worker that died mid-send once it is stale, not before', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, delivery, ledger, stores, later } = await setUp(mailer, 'sub-crashed');
    // A worker claims the delivery and dies before SES answers.
    expect(
      await stores.deliveries.claim('sub-crashed', delivery.key, {
        at: new Date('2026-11-27T10:00:00Z'),
        staleBefore: new Date(0),
        sweepAt: new Date('2026-11-27T10:02:00Z'),
        attemptId: 'dead-worker',
      }),
    ).toEqual({ attempts: 1 });
    later(60_000);
    expect(await send(delivery)).toBe('already-taken');
    later(61_000);
    expect(await send(delivery)).toBe('sent');
    expect(sent).toHaveLength(1);
    expect(await ledger()).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('names the topic as the subscriber wrote it, though the delivery holds only its id', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, delivery } = await setUp(mailer, 'sub-named');
    expect(await send(delivery)).toBe('sent');
    const mail = await simpleParser(sent[0]?.raw ?? Buffer.alloc(0));
    expect(mail.text).toContain('Iran AND Iraq');
  });

  it('skips an alert whose only topic the reader removed after the match, and records why', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, delivery, ledger, stores } = await setUp(mailer, 'sub-muted');
    await stores.subscribers.changeTopics(
      'sub-muted',
      { add: [], retire: ['t1'], detail: 'muted' },
      new Date('2026-11-27T10:00:01Z'),
      viaApi,
    );
    expect(await send(delivery)).toBe('skipped');
    expect(sent).toHaveLength(0);
    expect(await ledger()).toMatchObject({
      status: 'skipped',
      skipReason: 'its articles or topics are gone',
    });
  });

  it('skips, and records why, when the subscriber left before the send', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, delivery, ledger, stores } = await setUp(mailer, 'sub-left');
    await stores.subscribers.unsubscribe('sub-left', new Date(), viaApi);
    expect(await send(delivery)).toBe('skipped');
    expect(sent).toHaveLength(0);
    expect(await ledger()).toMatchObject({ status: 'skipped', skipReason: 'subscriber is not active' });
  });

  it('never mails an address on the suppression list, and records why', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, delivery, ledger, stores } = await setUp(mailer, 'sub-suppressed');
    // Still active (as when the bounce arrives between the match and the send), but listed.
    await stores.suppressions.suppress(
      'SUB-SUPPRESSED@example.com',
      { reason: 'permanent-bounce', detail: 'bounced', messageId: 'm', feedbackId: 'f' },
      new Date(),
    );
    expect((await stores.subscribers.get('sub-suppressed'))?.status).toBe('active');
    expect(await send(delivery)).toBe('skipped');
    expect(sent).toHaveLength(0);
    expect(await ledger()).toMatchObject({
      status: 'skipped',
      skipReason: 'the address is on the suppression list',
    });
  });
});

const sendTagsFor = (subscriberId: string, key: string, attemptId: string) =>
  deliveryTags({ subscriberId, key, attemptId }) ?? {};

describe("SES's Send event, when the worker could not record what SES accepted", () => {
  /** The event SES publishes for `mail`, read as the feedback function reads it. */
  const eventFor = (mail: OutgoingMail | undefined, messageId: string) =>
    parseSesFeedback(
      JSON.stringify(sendEvent({ messageId, recipients: [mail?.to ?? ''], tags: mail?.tags })),
      new Date('2026-11-27T10:00:01Z'),
    ) as SendFeedback;
  const recordAcceptedSend = () =>
    makeRecordAcceptedSend({ deliveries: makeDynamoDeliveryStore(table.db, table.tableName) });

  /** Every write of the message id fails, as when the worker dies right after SES answered. */
  const unrecorded =
    (attempts = Number.POSITIVE_INFINITY) =>
    (store: DeliveryStore): DeliveryStore => {
      let left = attempts;
      return {
        ...store,
        async markSent(...args) {
          if (left-- > 0) throw new Error('the worker died');
          return store.markSent(...args);
        },
      };
    };

  it('names the delivery and attempt in the tags; the event records it sent and the sweeper sends nothing again', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, sweep, delivery, ledger, later } = await setUp(mailer, 'sub-event', unrecorded());
    await expect(send(delivery)).rejects.toThrow(/SES accepted message msg-1/);
    expect(await ledger()).toMatchObject({ status: 'sending', attemptId: 'attempt-1' });
    const event = eventFor(sent[0], 'msg-1');
    expect(event.delivery).toEqual({ subscriberId: 'sub-event', key: delivery.key, attemptId: 'attempt-1' });

    expect(await recordAcceptedSend()(event)).toBe('recorded');
    expect(await recordAcceptedSend()(event)).toBe('unchanged');
    later(121_000);
    expect(await sweep()).toEqual({ staleClaims: 0, retries: 0 });
    expect(await send(delivery)).toBe('already-taken');
    expect(sent).toHaveLength(1);
    expect(await ledger()).toMatchObject({
      status: 'sent',
      messageId: 'msg-1',
      recordedBy: 'ses-send-event',
    });
    expect((await ledger())?.gsi1pk).toBeUndefined();
  });

  it('arriving after the sweeper queued the stale claim again, still keeps the message from going out twice', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, sweep, delivery, ledger, later } = await setUp(mailer, 'sub-event-late', unrecorded());
    await expect(send(delivery)).rejects.toThrow(/SES accepted/);
    later(121_000);
    expect(await sweep()).toEqual({ staleClaims: 1, retries: 0 });
    expect(await ledger()).toMatchObject({ status: 'queued', attemptId: 'attempt-1' });

    expect(await recordAcceptedSend()(eventFor(sent[0], 'msg-1'))).toBe('recorded');
    // The MODIFY to queued still reaches the send function: its claim finds the delivery sent.
    expect(await send(delivery)).toBe('already-taken');
    expect(sent).toHaveLength(1);
    expect(await ledger()).toMatchObject({ status: 'sent', messageId: 'msg-1' });
  });

  it('of an attempt a later one replaced (an event later than the claim timeout) changes nothing: the window it cannot close', async () => {
    const { mailer, sent } = flakyMailer(0);
    const { send, sweep, delivery, ledger, later } = await setUp(mailer, 'sub-event-stale', unrecorded(6));
    await expect(send(delivery)).rejects.toThrow(/SES accepted/);
    later(121_000);
    await sweep();
    expect(await send(delivery)).toBe('sent');
    expect(sent).toHaveLength(2);

    expect(await recordAcceptedSend()(eventFor(sent[0], 'msg-1'))).toBe('unchanged');
    expect(await ledger()).toMatchObject({ status: 'sent', messageId: 'msg-2', attemptId: 'attempt-2' });
  });

  it('of a message without our tags, or about a delivery nobody claimed, writes nothing', async () => {
    const { mailer } = flakyMailer(0);
    const { delivery, ledger } = await setUp(mailer, 'sub-event-stray');
    expect(await recordAcceptedSend()(eventFor({ from: 'a', to: 'b', raw: Buffer.from('') }, 'msg-x'))).toBe(
      'untagged',
    );
    const forged = eventFor(
      {
        from: 'a',
        to: 'b',
        raw: Buffer.from(''),
        tags: sendTagsFor('sub-event-stray', delivery.key, 'nobody'),
      },
      'msg-y',
    );
    expect(await recordAcceptedSend()(forged)).toBe('unchanged');
    expect(await ledger()).toMatchObject({ status: 'queued' });
  });
});

describe('sending a confirmation through the ledger', () => {
  const TTL = 7 * 24 * 3600;

  async function confirmationFor(subscriberId: string, status: 'pending' | 'unsubscribed') {
    const { mailer, sent } = flakyMailer(0);
    const { send, stores, later } = await setUp(mailer, subscriberId);
    if (status === 'unsubscribed') await stores.subscribers.unsubscribe(subscriberId, new Date(), viaApi);
    const at = new Date('2026-11-27T10:00:00Z');
    const confirmation: ConfirmationDelivery = {
      kind: 'confirm',
      subscriberId,
      key: 'CONFIRM#r2',
      requestId: 'r2',
      topics: [
        { query: 'Gaza -football', frequency: 'daily', isNew: true },
        { query: '"Qassem Soleimani"', frequency: 'daily', isNew: true },
      ],
      linkExpiresAt: Math.floor(at.getTime() / 1000) + TTL,
      timezone: 'Europe/Paris',
      digestHour: 7,
      digestWeekday: 'monday',
    };
    const ledger = async () =>
      (
        await table.db.send(
          new GetCommand({ TableName: table.tableName, Key: keys.delivery(subscriberId, confirmation.key) }),
        )
      ).Item;
    return { send, stores, later, sent, confirmation, ledger, at };
  }

  it('queues one per request and mails its link once, with the requested topics and no unsubscribe header', async () => {
    const { send, stores, sent, confirmation, ledger, at } = await confirmationFor('sub-confirm', 'pending');
    expect(await stores.deliveries.queueConfirmation(confirmation, at)).toBe(true);
    expect(await stores.deliveries.queueConfirmation(confirmation, at)).toBe(false);
    expect(await send(confirmation)).toBe('sent');
    expect(await send(confirmation)).toBe('already-taken');
    expect(sent).toHaveLength(1);
    const raw = sent[0]?.raw.toString() ?? '';
    expect(sent[0]?.to).toBe('sub-confirm@example.com');
    expect(raw).toMatch(/^Subject: Confirm/m);
    expect(raw).toContain('https://news.example.com/confirm?token=');
    expect(raw).not.toMatch(/^List-Unsubscribe/m);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toContain('Gaza -football');
    expect(parsed.text).toContain('"Qassem Soleimani"');
    expect(parsed.text).toContain('The link works until 4 Dec 2026, 11:00 CET');
    const token = /confirm\?token=([\w.-]+)/.exec(parsed.text ?? '')?.[1];
    expect(makeTokens('secret').verify(token, 'confirm', at)).toMatchObject({
      subscriberId: 'sub-confirm',
      requestId: 'r2',
    });
    expect(await ledger()).toMatchObject({ status: 'sent', messageId: 'msg-1', kind: 'confirm' });
  });

  it('still reaches a former subscriber who asked again: activation waits for the click', async () => {
    const { send, stores, sent, confirmation, at } = await confirmationFor('sub-returning', 'unsubscribed');
    expect((await stores.subscribers.get('sub-returning'))?.status).toBe('unsubscribed');
    await stores.deliveries.queueConfirmation(confirmation, at);
    expect(await send(confirmation)).toBe('sent');
    expect(sent).toHaveLength(1);
    expect((await stores.subscribers.get('sub-returning'))?.status).toBe('unsubscribed');
  });

  it('skips a confirmation whose link expired before it could be sent, and records why', async () => {
    const { send, stores, sent, confirmation, ledger, later, at } = await confirmationFor(
      'sub-late',
      'pending',
    );
    await stores.deliveries.queueConfirmation(confirmation, at);
    later(TTL * 1000);
    expect(await send(confirmation)).toBe('skipped');
    expect(sent).toHaveLength(0);
    expect(await ledger()).toMatchObject({ status: 'skipped', skipReason: 'its link has expired' });
  });

  it('sends no confirmation to an address on the suppression list', async () => {
    const { send, stores, sent, confirmation, ledger, at } = await confirmationFor('sub-listed', 'pending');
    await stores.suppressions.suppress(
      'sub-listed@example.com',
      { reason: 'complaint', detail: 'complained', messageId: 'm', feedbackId: 'f' },
      at,
    );
    await stores.deliveries.queueConfirmation(confirmation, at);
    expect(await send(confirmation)).toBe('skipped');
    expect(sent).toHaveLength(0);
    expect(await ledger()).toMatchObject({
      status: 'skipped',
      skipReason: 'the address is on the suppression list',
    });
  });
});

describe('health', () => {
  it('is unavailable, naming the part, when the mail service does not answer', async () => {
    const articles = makeDynamoArticleStore(table.db, table.tableName);
    expect(await makeCheckHealth({ articles, mailer: flakyMailer(0).mailer })()).toEqual({ status: 'ok' });
    expect(await makeCheckHealth({ articles, mailer: flakyMailer(1).mailer })()).toEqual({
      status: 'unavailable',
      failing: ['mail'],
    });
    const missingTable = makeDynamoArticleStore(table.db, 'no-such-table');
    expect(await makeCheckHealth({ articles: missingTable, mailer: flakyMailer(1).mailer })()).toEqual({
      status: 'unavailable',
      failing: ['database', 'mail'],
    });
  });
});
