import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoDeliveryStore } from '../../lib/adapters/dynamo/delivery-store';
import { FanOutIncomplete } from '../../lib/errors';
import type { FanOutChunk } from '../../lib/ports';
import { makeFanOut } from '../../lib/use-cases/fan-out';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

const at = new Date('2026-12-02T09:00:00Z');

function chunkFor(articleId: string, ids: readonly string[], storyId = articleId): FanOutChunk {
  return {
    articleId,
    storyId,
    planId: 'plan',
    index: 0,
    count: 1,
    recipients: ids.map((subscriberId, i) => ({
      subscriberId,
      kind: i % 3 === 2 ? 'daily' : 'alert',
      topics: [{ topicId: 'topic-1', terms: ['iran'] }],
    })),
  };
}

/** Every ledger item (alerts and held digest matches) written about one article. */
async function itemsAbout(ids: readonly string[], articleId: string) {
  const found: string[] = [];
  for (const id of ids) {
    const { Items = [] } = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `SUB#${id}` },
      }),
    );
    for (const item of Items) if (String(item.sk).endsWith(articleId)) found.push(`${id} ${item.sk}`);
  }
  return found.sort();
}

describe('fanning one chunk of recipients out', () => {
  it('queues nothing for another outlet’s version of a story its recipients already have or wait for', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `story-${i}`);
    const fanOut = makeFanOut({
      deliveries: makeDynamoDeliveryStore(table.db, table.tableName),
      clock: { now: () => at },
      onFailure: () => {},
    });
    const first = await fanOut(chunkFor('story-first', ids));
    expect(first).toEqual({ alertsQueued: 20, heldForDigest: 10, alreadyDone: 0 });
    // The second outlet's article is a member of the first one's story: its ledger keys are the story's.
    const second = await fanOut(chunkFor('story-second', ids, 'story-first'));
    expect(second).toMatchObject({ alertsQueued: 0, alreadyDone: 20 });
    expect(await itemsAbout(ids, 'story-second')).toEqual([]);
    expect(await itemsAbout(ids, 'story-first')).toHaveLength(30);
    // A new recipient of the second version alone is alerted once, about the story, with that version.
    const newcomer = await fanOut(chunkFor('story-second', ['story-newcomer'], 'story-first'));
    expect(newcomer.alertsQueued).toBe(1);
    const { Items = [] } = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'SUB#story-newcomer' },
      }),
    );
    expect(Items.map((item) => [item.sk, item.articleId, item.storyId])).toEqual([
      ['DELIVERY#ALERT#story-first', 'story-second', 'story-first'],
    ]);
  });

  it('writes one alert or digest hold per recipient, and a replay of the chunk adds nothing', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `replay-${i}`);
    const fanOut = makeFanOut({
      deliveries: makeDynamoDeliveryStore(table.db, table.tableName),
      clock: { now: () => at },
      onFailure: () => {},
    });
    const first = await fanOut(chunkFor('art-replay', ids));
    expect(first).toEqual({ alertsQueued: 40, heldForDigest: 20, alreadyDone: 0 });
    const again = await fanOut(chunkFor('art-replay', ids));
    expect(again.alertsQueued).toBe(0);
    expect(again.alreadyDone).toBe(40);
    const items = await itemsAbout(ids, 'art-replay');
    expect(items).toHaveLength(60);
    expect(items.filter((item) => item.includes('DELIVERY#ALERT#'))).toHaveLength(40);
    expect(items.filter((item) => item.includes('PENDING#daily#'))).toHaveLength(20);
  });

  it('serves every healthy recipient around one whose write fails, names it, and the retry serves it', async () => {
    const ids = Array.from({ length: 41 }, (_, i) => `planted-${i}`);
    const broken = 'planted-19';
    const real = makeDynamoDeliveryStore(table.db, table.tableName);
    let failing = true;
    const deliveries = {
      ...real,
      async queueAlert(...args: Parameters<typeof real.queueAlert>) {
        if (failing && args[0].subscriberId === broken) throw new Error('Item size has exceeded the maximum');
        return real.queueAlert(...args);
      },
    };
    const failures: string[] = [];
    const fanOut = makeFanOut({
      deliveries,
      clock: { now: () => at },
      onFailure: (subscriberId) => failures.push(subscriberId),
    });
    const chunk = chunkFor('art-planted', ids);
    const error = await fanOut(chunk).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FanOutIncomplete);
    expect((error as FanOutIncomplete).subscriberIds).toEqual([broken]);
    expect(failures).toEqual([broken]);
    const served = await itemsAbout(ids, 'art-planted');
    expect(served).toHaveLength(40);
    expect(served.some((item) => item.startsWith(`${broken} `))).toBe(false);

    failing = false;
    const retried = await fanOut(chunk);
    expect(retried.alertsQueued).toBe(1);
    expect(await itemsAbout(ids, 'art-planted')).toHaveLength(41);
  });
});
