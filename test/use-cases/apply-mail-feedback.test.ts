import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoSuppressionList } from '../../lib/adapters/dynamo/suppression-list';
import { makeRecordingMetrics } from '../../lib/adapters/metrics/recording-metrics';
import type { ActiveTopic, SubscriberStore, SuppressionList } from '../../lib/ports';
import { parseSesFeedback } from '../../lib/subscriptions/ses-feedback';
import { makeAddressHasher } from '../../lib/subscriptions/suppression';
import { makeApplyMailFeedback } from '../../lib/use-cases/apply-mail-feedback';
import { startTestTable, subscriberStoreAndIndex, viaApi } from '../support/dynamo';
import { bounceEvent, complaintEvent } from '../support/ses-events';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

const now = new Date('2026-12-01T10:10:00Z');
const recorded = makeRecordingMetrics();
const stores = () => ({
  subscribers: subscriberStoreAndIndex(table.db, table.tableName),
  suppressions: makeDynamoSuppressionList(
    table.db,
    table.tableName,
    makeAddressHasher('test-suppression-salt'),
  ),
});
const applyWith = (deps: { subscribers: SubscriberStore; suppressions: SuppressionList }) =>
  makeApplyMailFeedback({ ...deps, clock: { now: () => now }, metrics: recorded.metrics });
const apply = (event: unknown, deps = stores()) =>
  applyWith(deps)(parseSesFeedback(JSON.stringify(event), now));

async function activeSubscriber(id: string, email: string, topics = 2) {
  const { subscribers } = stores();
  const at = new Date('2026-11-30T09:00:00Z');
  await subscribers.create({
    id,
    email,
    status: 'pending',
    timezone: 'UTC',
    digestHour: 7,
    createdAt: at.toISOString(),
  });
  await subscribers.addTopics(
    Array.from({ length: topics }, (_, i) => ({
      subscriberId: id,
      id: `t${i}`,
      query: `topic${i}`,
      frequency: 'instant' as const,
      status: 'pending' as const,
      requestId: 'r1',
      createdAt: at.toISOString(),
    })),
  );
  expect(await subscribers.confirm(id, 'r1', at, viaApi)).toBe(topics);
}

async function activeTopicsOf(subscriberId: string) {
  const found: ActiveTopic[] = [];
  for await (const topic of stores().subscribers.listActiveTopics()) {
    if (topic.subscriberId === subscriberId) found.push(topic);
  }
  return found;
}

const feedbackLines = async (subscriberId: string) =>
  (await stores().subscribers.consentHistory(subscriberId)).filter((line) => line.source === 'ses-feedback');

const allItems = async () =>
  (await table.db.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [];

describe('a permanent bounce', () => {
  it('suppresses the address and the subscriber, retires every topic and says why in the ledger', async () => {
    await activeSubscriber('perm', 'perm@example.com');
    const event = bounceEvent({ recipients: ['Perm@Example.com'], messageId: 'msg-p', feedbackId: 'fb-p' });
    expect(await apply(event)).toEqual({
      recipients: 1,
      suppressed: 1,
      alreadySuppressed: 0,
      bouncesCounted: 0,
    });
    expect(await stores().suppressions.isSuppressed('perm@example.com')).toBe(true);
    expect((await stores().subscribers.get('perm'))?.status).toBe('suppressed');
    expect(await activeTopicsOf('perm')).toEqual([]);
    expect(await feedbackLines('perm')).toEqual([
      {
        at: now.toISOString(),
        action: 'suppressed',
        source: 'ses-feedback',
        detail: 'SES permanent bounce (Permanent/General) of message msg-p, feedback fb-p',
      },
    ]);

    // The same notification again changes nothing at all.
    const before = await allItems();
    expect(await apply(event)).toMatchObject({ suppressed: 0, alreadySuppressed: 1 });
    expect(await allItems()).toEqual(before);
  });

  it('lists an address nobody subscribed, so a later subscription to it is refused', async () => {
    expect(
      await apply(bounceEvent({ recipients: ['stranger@example.com'], feedbackId: 'fb-s' })),
    ).toMatchObject({
      suppressed: 1,
    });
    expect(await stores().suppressions.isSuppressed('stranger@example.com')).toBe(true);
  });
});

describe('a complaint', () => {
  it('unsubscribes the subscriber and suppresses the address', async () => {
    await activeSubscriber('complainer', 'complainer@example.com');
    await apply(
      complaintEvent({ recipients: ['complainer@example.com'], messageId: 'msg-c', feedbackId: 'fb-c' }),
    );
    expect((await stores().subscribers.get('complainer'))?.status).toBe('unsubscribed');
    expect(await stores().suppressions.isSuppressed('complainer@example.com')).toBe(true);
    expect(await activeTopicsOf('complainer')).toEqual([]);
    expect(await feedbackLines('complainer')).toEqual([
      expect.objectContaining({
        action: 'unsubscribed',
        detail: 'SES complaint (abuse) about message msg-c, feedback fb-c; address suppressed',
      }),
    ]);
  });
});

describe('transient bounces', () => {
  const transient = (feedbackId: string, timestamp = '2026-12-01T10:00:00.000Z') =>
    bounceEvent({
      recipients: ['soft@example.com'],
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      feedbackId,
      messageId: `msg-${feedbackId}`,
      timestamp,
    });

  it('suppress on the 3rd within 7 days, counting a redelivered one once', async () => {
    await activeSubscriber('soft', 'soft@example.com');
    expect(await apply(transient('t1', '2026-11-24T11:00:00.000Z'))).toMatchObject({ bouncesCounted: 1 });
    expect(await apply(transient('t2', '2026-11-28T10:00:00.000Z'))).toMatchObject({ bouncesCounted: 1 });
    // The same report again is still the second bounce.
    expect(await apply(transient('t2', '2026-11-28T10:00:00.000Z'))).toMatchObject({ bouncesCounted: 1 });
    expect((await stores().subscribers.get('soft'))?.status).toBe('active');
    expect(await apply(transient('t3'))).toMatchObject({ suppressed: 1 });
    expect((await stores().subscribers.get('soft'))?.status).toBe('suppressed');
    expect(await feedbackLines('soft')).toEqual([
      expect.objectContaining({
        action: 'suppressed',
        detail:
          '3 SES transient or undetermined bounces within 7 days, the latest (Transient/MailboxFull) of message msg-t3, feedback t3',
      }),
    ]);
  });

  it('do not suppress when the first of three is older than 7 days', async () => {
    const spaced = (id: string, timestamp: string) => ({
      ...transient(id, timestamp),
      bounce: {
        ...transient(id, timestamp).bounce,
        bouncedRecipients: [{ emailAddress: 'spaced@example.com' }],
      },
    });
    await apply(spaced('s1', '2026-11-20T10:00:00.000Z'));
    await apply(spaced('s2', '2026-11-28T10:00:00.000Z'));
    expect(await apply(spaced('s3', '2026-12-01T10:00:00.000Z'))).toMatchObject({ bouncesCounted: 1 });
    expect(await stores().suppressions.isSuppressed('spaced@example.com')).toBe(false);
  });

  it('suppress exactly once when three arrive at the same time', async () => {
    await activeSubscriber('burst', 'burst@example.com', 3);
    const burst = (id: string) => ({
      ...transient(id),
      bounce: { ...transient(id).bounce, bouncedRecipients: [{ emailAddress: 'burst@example.com' }] },
    });
    const outcomes = await Promise.all(['b1', 'b2', 'b3'].map((id) => apply(burst(id))));
    expect(outcomes.reduce((sum, o) => sum + o.bouncesCounted, 0)).toBeLessThanOrEqual(2);
    expect((await stores().subscribers.get('burst'))?.status).toBe('suppressed');
    expect(await activeTopicsOf('burst')).toEqual([]);
    expect(await feedbackLines('burst')).toHaveLength(1);
    const hash = makeAddressHasher('test-suppression-salt')('burst@example.com');
    expect(
      (await allItems()).filter((item) => item.pk === `SUPPRESS#${hash}` && item.sk === 'SUPPRESSED'),
    ).toHaveLength(1);
  });
});

describe('failures', () => {
  it('handle the other recipients when one fails, and the retry finishes the job', async () => {
    await activeSubscriber('fine', 'fine@example.com');
    await activeSubscriber('flaky', 'flaky@example.com');
    const real = stores();
    // The list fails for one address, as a throttled request would.
    const flakySuppressions: SuppressionList = {
      ...real.suppressions,
      suppress: (email, entry, at) =>
        email === 'flaky@example.com'
          ? Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
          : real.suppressions.suppress(email, entry, at),
    };
    const event = bounceEvent({
      recipients: ['flaky@example.com', 'fine@example.com'],
      feedbackId: 'fb-two',
    });
    await expect(apply(event, { ...real, suppressions: flakySuppressions })).rejects.toThrow(
      '1 of 2 recipients of the report failed: Rate exceeded',
    );
    expect((await real.subscribers.get('fine'))?.status).toBe('suppressed');
    expect((await real.subscribers.get('flaky'))?.status).toBe('active');

    expect(await apply(event)).toMatchObject({ suppressed: 1, alreadySuppressed: 1 });
    expect((await real.subscribers.get('flaky'))?.status).toBe('suppressed');
    expect(await feedbackLines('fine')).toHaveLength(1);
  });

  it('finish the ending on retry when it failed after the address was listed', async () => {
    await activeSubscriber('halfway', 'halfway@example.com');
    const real = stores();
    const failingEnd: typeof real.subscribers = {
      ...real.subscribers,
      unsubscribe: () => Promise.reject(new Error('socket hang up')),
    };
    const event = complaintEvent({ recipients: ['halfway@example.com'], feedbackId: 'fb-h' });
    await expect(apply(event, { ...real, subscribers: failingEnd })).rejects.toThrow('socket hang up');
    expect(await real.suppressions.isSuppressed('halfway@example.com')).toBe(true);
    expect((await real.subscribers.get('halfway'))?.status).toBe('active');

    expect(await apply(event)).toMatchObject({ suppressed: 1 });
    expect((await real.subscribers.get('halfway'))?.status).toBe('unsubscribed');
    expect(await activeTopicsOf('halfway')).toEqual([]);
  });
});
