import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoBulkSubscriberStore } from '../../lib/adapters/dynamo/bulk-subscriber-store';
import { makeDynamoDigestStore } from '../../lib/adapters/dynamo/digest-store';
import { keys } from '../../lib/adapters/dynamo/keys';
import type { TableClient } from '../../lib/adapters/dynamo/table-guard';
import type { ActiveImport } from '../../lib/ports';
import type { Subscriber } from '../../lib/subscriptions/model';
import { startTestTable, subscriberStoreAndIndex, viaApi } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

const viaImport = { source: 'import' } as const;

/** The subscriber store the functions use, and the bulk one the import uses, on the same table. */
const stores = () => ({
  ...subscriberStoreAndIndex(table.db, table.tableName),
  ...makeDynamoBulkSubscriberStore(table.db, table.tableName),
});
const at = new Date('2026-12-02T09:00:00Z');

const partition = (pk: string) => table.partition(pk);

const claimOf = async (email: string) =>
  (await table.db.send(new GetCommand({ TableName: table.tableName, Key: keys.email(email) }))).Item;

function anImport(id: string, topics: ActiveImport['topics'], claimed = false): ActiveImport {
  const subscriber: Subscriber = {
    id,
    email: `${id}@example.com`,
    status: 'active',
    timezone: 'Asia/Tokyo',
    digestHour: 18,
    digestWeekday: 'friday',
    createdAt: at.toISOString(),
  };
  return { subscriber, topics, detail: `imported as consented from list.csv: ${id}`, claimed };
}

/** The attribute names of each item of a partition, by kind (PROFILE, TOPIC, CONSENT:<action>…). */
async function shapes(subscriberId: string) {
  const items = await partition(keys.profile(subscriberId).pk);
  return items.map((item) => ({
    kind: [String(item.sk).split('#')[0], item.action].filter(Boolean).join(':'),
    attributes: Object.keys(item).sort(),
  }));
}

describe('creating imported subscribers active', () => {
  it('leaves the items confirming a subscription leaves, the ledger line saying it was an import', async () => {
    const store = stores();
    // The same subscriber the way the subscribe form makes one: created, requested, confirmed.
    await store.create({
      id: 'confirmed',
      email: 'confirmed@example.com',
      status: 'pending',
      timezone: 'UTC',
      digestHour: 7,
      createdAt: at.toISOString(),
    });
    await store.recordRequest(
      'confirmed',
      'r1',
      { timezone: 'Asia/Tokyo', digestHour: 18, digestWeekday: 'friday' },
      at,
      viaApi,
    );
    await store.addTopics(
      (['instant', 'daily'] as const).map((frequency, i) => ({
        subscriberId: 'confirmed',
        id: `t${i}`,
        query: `quokka${i}`,
        frequency,
        status: 'pending',
        requestId: 'r1',
        createdAt: at.toISOString(),
      })),
    );
    await store.confirm('confirmed', 'r1', at, viaApi);

    const created = await store.createActive(
      [
        anImport('imported', [
          { query: 'quokka0', frequency: 'instant' },
          { query: 'quokka1', frequency: 'daily' },
        ]),
      ],
      at,
      viaImport,
    );
    expect(created).toEqual(new Set(['imported@example.com']));

    // Profile, topics and 'confirmed' ledger line have the confirmed subscriber's attributes (the request
    // and its 'requested' line are the subscribe form's own).
    const confirmedShapes = (await shapes('confirmed')).filter(
      (s) => s.kind !== 'REQUEST' && s.kind !== 'CONSENT:requested',
    );
    expect(await shapes('imported')).toEqual(confirmedShapes);
    const profile = (await partition('SUB#imported')).find((item) => item.sk === 'PROFILE');
    expect(profile).toMatchObject({
      status: 'active',
      confirmedAt: at.toISOString(),
      timezone: 'Asia/Tokyo',
      digestHour: 18,
      digestWeekday: 'friday',
      // Filed under the next 18:00 in Tokyo after the import: 09:00 UTC.
      gsi1pk: keys.digestDue('imported', at).gsi1pk,
      gsi1sk: expect.stringMatching(/^\d{4}-\d\d-\d\dT09:00:00\.000Z#imported$/),
    });
    expect(profile).not.toHaveProperty('expiresAt');
    expect(await claimOf('imported@example.com')).toMatchObject({ subscriberId: 'imported' });
    expect(await claimOf('imported@example.com')).not.toHaveProperty('expiresAt');
    expect(await store.consentHistory('imported')).toEqual([
      {
        at: at.toISOString(),
        action: 'confirmed',
        source: 'import',
        detail: 'imported as consented from list.csv: imported',
      },
    ]);

    // In the match index, where warm matchers find them too, and in the digest index.
    const active = [];
    for await (const topic of store.listActiveTopics())
      if (topic.subscriberId === 'imported') active.push(topic);
    expect(active.map((t) => [t.query, t.frequency]).sort()).toEqual([
      ['quokka0', 'instant'],
      ['quokka1', 'daily'],
    ]);
    const digests = [];
    for await (const { subscriber } of makeDynamoDigestStore(table.db, table.tableName).listDue())
      digests.push(subscriber.id);
    expect(digests).toContain('imported');
    const changes = [];
    for await (const change of store.topicChangesSince(at.toISOString()))
      if (change.topic.subscriberId === 'imported')
        changes.push([change.change, change.topic.query, change.at]);
    expect(changes.sort()).toEqual([
      ['activated', 'quokka0', at.toISOString()],
      ['activated', 'quokka1', at.toISOString()],
    ]);
  });

  it('leaves out an address someone claimed since the lookup, and creates the rest', async () => {
    const store = stores();
    await store.create({
      id: 'first-come',
      email: 'taken@example.com',
      status: 'pending',
      timezone: 'UTC',
      digestHour: 7,
      createdAt: at.toISOString(),
    });
    const taken = { ...anImport('taken', [{ query: 'wombat', frequency: 'instant' }]) };
    const created = await store.createActive(
      [
        anImport('free-1', [{ query: 'wombat', frequency: 'instant' }]),
        taken,
        anImport('free-2', [{ query: 'wombat', frequency: 'weekly' }]),
      ],
      at,
      viaImport,
    );
    expect(created).toEqual(new Set(['free-1@example.com', 'free-2@example.com']));
    expect(await claimOf('taken@example.com')).toMatchObject({ subscriberId: 'first-come' });
    expect(await partition('SUB#taken')).toEqual([]);
    expect((await store.get('free-2'))?.status).toBe('active');
  });

  it('finishes an import a crash cut short after the claims, writing nothing twice', async () => {
    const store = stores();
    // The run dies at its last batch: the profiles.
    let batches = 0;
    const dying: TableClient = {
      send: ((command: Parameters<TableClient['send']>[0]) => {
        if (command instanceof BatchWriteCommand && ++batches === 2) {
          return Promise.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
        }
        return table.db.send(command);
      }) as TableClient['send'],
    };
    const imports = ['cut-1', 'cut-2'].map((id) =>
      anImport(id, [
        { query: 'Basra water', frequency: 'instant' },
        { query: 'echidna', frequency: 'daily' },
      ]),
    );
    await expect(
      makeDynamoBulkSubscriberStore(dying, table.tableName).createActive(imports, at, viaImport),
    ).rejects.toThrow('socket hang up');

    // Claimed, topics and ledger lines written, no profile: an unfinished import, not a subscriber.
    const holders = await store.findHolders(['cut-1@example.com', 'cut-2@example.com'], at);
    expect(holders.get('cut-1@example.com')).toEqual({
      kind: 'unfinished-import',
      subscriberId: 'cut-1',
      claimedAt: at.toISOString(),
    });
    expect(await store.get('cut-1')).toBeUndefined();

    const later = new Date('2026-12-02T09:05:00Z');
    const again = imports.map((entry) => ({ ...entry, claimed: true }));
    expect(await store.createActive(again, later, viaImport)).toEqual(
      new Set(['cut-1@example.com', 'cut-2@example.com']),
    );
    for (const id of ['cut-1', 'cut-2']) {
      const items = await partition(`SUB#${id}`);
      expect(items.map((item) => String(item.sk).split('#')[0]).sort()).toEqual([
        'CONSENT',
        'PROFILE',
        'TOPIC',
        'TOPIC',
      ]);
      // Filed under the time of the write that finished them, where warm matchers look for changes.
      expect(items.filter((item) => item.entity === 'topic').map((item) => item.tsk)).toEqual([
        '2026-12-02T09:05:00.000Z',
        '2026-12-02T09:05:00.000Z',
      ]);
    }
    expect((await store.findHolders(['cut-1@example.com'], later)).get('cut-1@example.com')).toMatchObject({
      kind: 'subscriber',
      subscriber: { id: 'cut-1', status: 'active' },
    });
  });

  it('looks addresses up by the hundred: a lapsed pending claim holds nothing', async () => {
    const store = stores();
    await store.create({
      id: 'lapsing',
      email: 'lapsing@example.com',
      status: 'pending',
      timezone: 'UTC',
      digestHour: 7,
      createdAt: at.toISOString(),
    });
    const emails = Array.from({ length: 150 }, (_, i) => `nobody-${i}@example.com`);
    const now = await store.findHolders([...emails, 'lapsing@example.com', 'imported@example.com'], at);
    expect([...now.keys()].sort()).toEqual(['imported@example.com', 'lapsing@example.com']);
    expect(now.get('lapsing@example.com')).toMatchObject({ subscriber: { status: 'pending' } });
    const monthLater = new Date(at.getTime() + 40 * 24 * 3600_000);
    expect((await store.findHolders(['lapsing@example.com'], monthLater)).size).toBe(0);
  });
});

describe('listing active subscriptions', () => {
  it('gives each active subscriber once with its active topics, and nobody else', async () => {
    const store = stores();
    await store.createActive(
      [
        anImport('listed', [
          { query: 'platypus', frequency: 'instant' },
          { query: 'bilby', frequency: 'weekly' },
        ]),
        anImport('leaving', [{ query: 'numbat', frequency: 'instant' }]),
      ],
      at,
      viaImport,
    );
    const [kept, retired] = (await store.listTopics('listed')).sort((a, b) => a.query.localeCompare(b.query));
    await store.changeTopics(
      'listed',
      { add: [], retire: [retired?.id ?? ''], detail: 'removed: platypus' },
      at,
      viaApi,
    );
    await store.unsubscribe('leaving', at, viaApi);

    const listed = [];
    for await (const subscription of store.listActiveSubscriptions()) listed.push(subscription);
    const ids = listed.map((s) => s.subscriber.id);
    expect(ids.filter((id) => id === 'listed')).toHaveLength(1);
    expect(ids).not.toContain('leaving');
    // Pending subscribers have no active topics, so they are never listed.
    expect(ids).not.toContain('first-come');
    expect(listed.find((s) => s.subscriber.id === 'listed')?.topics).toEqual([
      expect.objectContaining({ query: kept?.query, frequency: kept?.frequency }),
    ]);
  });
});
