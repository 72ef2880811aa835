import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import { InvalidTokenError } from '../../lib/errors';
import { makeTokens } from '../../lib/subscriptions/tokens';
import { makeConfirmSubscription } from '../../lib/use-cases/confirm-subscription';
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

async function pendingSubscriber(id: string, requestId: string) {
  const subscribers = makeDynamoSubscriberStore(table.db, table.tableName);
  await subscribers.create({
    id,
    email: `${id}@example.com`,
    status: 'pending',
    timezone: 'UTC',
    digestHour: 7,
    createdAt: now.toISOString(),
  });
  await subscribers.addTopics([
    {
      subscriberId: id,
      id: `${requestId}-t`,
      query: 'quokka',
      frequency: 'instant',
      status: 'pending',
      requestId,
      createdAt: now.toISOString(),
    },
  ]);
  const link = (request: string) =>
    tokens.issue({
      purpose: 'confirm',
      subscriberId: id,
      requestId: request,
      exp: now.getTime() / 1000 + 3600,
    });
  return { subscribers, link };
}

describe('confirming a subscription', () => {
  it('activates the request once; a second click says it was already confirmed', async () => {
    const { subscribers, link } = await pendingSubscriber('c1', 'r1');
    const confirm = makeConfirmSubscription({ subscribers, tokens, clock });
    expect(await confirm(link('r1'), viaApi)).toEqual({ activatedTopics: 1 });
    expect(await confirm(link('r1'), viaApi)).toEqual({ activatedTopics: 0 });
    expect((await subscribers.get('c1'))?.status).toBe('active');
  });

  it('refuses an old link after the reader unsubscribed, and leaves them unsubscribed', async () => {
    const { subscribers, link } = await pendingSubscriber('c2', 'r1');
    const confirm = makeConfirmSubscription({ subscribers, tokens, clock });
    await confirm(link('r1'), viaApi);
    await makeUnsubscribe({ subscribers, tokens, clock })(
      tokens.issue({ purpose: 'unsubscribe', subscriberId: 'c2' }),
      viaApi,
    );
    const again = confirm(link('r1'), viaApi);
    await expect(again).rejects.toThrow(InvalidTokenError);
    await expect(again).rejects.toThrow(
      /no longer valid: you unsubscribed after asking for it\. Subscribe again/,
    );
    expect((await subscribers.get('c2'))?.status).toBe('unsubscribed');
  });

  it('still lets a returning reader confirm a new request made after unsubscribing', async () => {
    const { subscribers, link } = await pendingSubscriber('c3', 'r1');
    const confirm = makeConfirmSubscription({ subscribers, tokens, clock });
    await confirm(link('r1'), viaApi);
    await subscribers.unsubscribe('c3', now, viaApi);
    await subscribers.addTopics([
      {
        subscriberId: 'c3',
        id: 'r2-t',
        query: 'platypus',
        frequency: 'daily',
        status: 'pending',
        requestId: 'r2',
        createdAt: now.toISOString(),
      },
    ]);
    expect(await confirm(link('r2'), viaApi)).toEqual({ activatedTopics: 1 });
    expect((await subscribers.get('c3'))?.status).toBe('active');
  });
});
