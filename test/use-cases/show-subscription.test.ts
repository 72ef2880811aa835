import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import { InvalidTokenError } from '../../lib/errors';
import type { Topic } from '../../lib/subscriptions/model';
import { makeTokens } from '../../lib/subscriptions/tokens';
import { makeConfirmSubscription } from '../../lib/use-cases/confirm-subscription';
import { makeShowSubscription } from '../../lib/use-cases/show-subscription';
import { makeUnsubscribe } from '../../lib/use-cases/unsubscribe';
import { startTestTable, viaApi } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

const tokens = makeTokens('secret');
const now = new Date('2026-12-01T09:00:00Z');
const clock = { now: () => now };
const confirmLink = (subscriberId: string, requestId: string) =>
  tokens.issue({ purpose: 'confirm', subscriberId, requestId, exp: now.getTime() / 1000 + 3600 });

const topic = (subscriberId: string, requestId: string, query: string, frequency: Topic['frequency']) => ({
  subscriberId,
  id: `${requestId}-${query}`,
  query,
  frequency,
  status: 'pending' as const,
  requestId,
  createdAt: now.toISOString(),
});

describe('the page after confirming', () => {
  it('shows every active topic, from every confirmed request, and none still pending', async () => {
    const subscribers = makeDynamoSubscriberStore(table.db, table.tableName);
    await subscribers.create({
      id: 's1',
      email: 's1@example.com',
      status: 'pending',
      timezone: 'UTC',
      digestHour: 7,
      createdAt: now.toISOString(),
    });
    await subscribers.addTopics([
      topic('s1', 'r1', 'quokka', 'instant'),
      topic('s1', 'r2', 'wombat', 'daily'),
      topic('s1', 'r3', 'platypus', 'weekly'),
    ]);
    const confirm = makeConfirmSubscription({ subscribers, tokens, clock });
    await confirm(confirmLink('s1', 'r1'), viaApi);
    await confirm(confirmLink('s1', 'r2'), viaApi);

    const show = makeShowSubscription({ subscribers, tokens, clock });
    const view = await show(confirmLink('s1', 'r2'), 'confirm');
    expect(view.status).toBe('active');
    expect([...view.activeTopics].sort((a, b) => a.query.localeCompare(b.query))).toEqual([
      { query: 'quokka', frequency: 'instant' },
      { query: 'wombat', frequency: 'daily' },
    ]);

    const unsubscribeLink = tokens.issue({ purpose: 'unsubscribe', subscriberId: 's1' });
    await makeUnsubscribe({ subscribers, tokens, clock })(unsubscribeLink, viaApi);
    expect(await show(unsubscribeLink, 'unsubscribe')).toEqual({
      status: 'unsubscribed',
      activeTopics: [],
      afterConfirming: [],
    });
  });

  it('shows, before confirming, every topic the reader will have: the active ones and the new', async () => {
    const subscribers = makeDynamoSubscriberStore(table.db, table.tableName);
    await subscribers.create({
      id: 's3',
      email: 's3@example.com',
      status: 'pending',
      timezone: 'UTC',
      digestHour: 7,
      createdAt: now.toISOString(),
    });
    await subscribers.addTopics([
      topic('s3', 'r1', 'quokka', 'instant'),
      topic('s3', 'r1', 'wombat', 'instant'),
      topic('s3', 'r2', 'wombat', 'weekly'),
      topic('s3', 'r2', 'numbat', 'daily'),
    ]);
    const show = makeShowSubscription({ subscribers, tokens, clock });
    await makeConfirmSubscription({ subscribers, tokens, clock })(confirmLink('s3', 'r1'), viaApi);
    const view = await show(confirmLink('s3', 'r2'), 'confirm');
    expect(view.afterConfirming).toEqual([
      { query: 'quokka', frequency: 'instant', isNew: false },
      { query: 'wombat', frequency: 'weekly', isNew: false },
      { query: 'numbat', frequency: 'daily', isNew: true },
    ]);
    // Once confirmed, the link's request has nothing pending left to show.
    expect((await show(confirmLink('s3', 'r1'), 'confirm')).afterConfirming).toEqual([]);
  });

  it('refuses a tampered token, a token for another purpose and an unknown subscriber', async () => {
    const subscribers = makeDynamoSubscriberStore(table.db, table.tableName);
    const show = makeShowSubscription({ subscribers, tokens, clock });
    const genuine = confirmLink('s1', 'r1');
    const [payload, signature] = genuine.split('.');
    const forged = `${Buffer.from(JSON.stringify({ purpose: 'confirm', subscriberId: 's2' })).toString('base64url')}.${signature}`;
    await expect(show(`${payload}.${signature?.slice(1)}x`, 'confirm')).rejects.toThrow(InvalidTokenError);
    await expect(show(forged, 'confirm')).rejects.toThrow(InvalidTokenError);
    await expect(show(genuine, 'unsubscribe')).rejects.toThrow(InvalidTokenError);
    await expect(show(undefined, 'confirm')).rejects.toThrow(InvalidTokenError);
    await expect(show(confirmLink('nobody', 'r1'), 'confirm')).rejects.toThrow(InvalidTokenError);
  });
});
