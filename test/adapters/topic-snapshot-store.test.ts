import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lib/adapters/dynamo/keys';
import { guardTable } from '../../lib/adapters/dynamo/table-guard';
import { makeDynamoTopicSnapshotStore } from '../../lib/adapters/dynamo/topic-snapshot-store';
import { functions } from '../../lib/manifest';
import type { ActiveTopic } from '../../lib/ports';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable('tidings-topic-snapshot');
});
afterAll(async () => {
  await table?.stop();
});

const frequencies = ['instant', 'daily', 'weekly'] as const;
const at = new Date('2026-12-02T12:00:00.000Z');
const topicsOf = (count: number, tag: string): ActiveTopic[] =>
  Array.from({ length: count }, (_, i) => ({
    subscriberId: `${tag}-subscriber-${i}`,
    topicId: `${tag}-topic-${i}`,
    // Tabs, quotes and non-ASCII letters survive the round trip.
    query: `"Kyiv\tharbour" AND (wildfire OR Zürich) -${i}`,
    frequency: frequencies[i % 3] as ActiveTopic['frequency'],
  }));

describe('the snapshot of the active topics', () => {
  // Through the match function's own guarded client: its manifest entry must allow all of it.
  const store = () =>
    makeDynamoTopicSnapshotStore(guardTable(table.db, functions.match.table, 'match'), table.tableName);

  it('reads back every topic written, in parts small enough for DynamoDB, the latest taken current', async () => {
    expect(await store().read(at)).toBeUndefined();
    const topics = topicsOf(12_000, 'a');
    await store().write({ takenAt: '2026-12-02T09:00:00.000Z', topics });
    const read = await store().read(at);
    expect(read?.takenAt).toBe('2026-12-02T09:00:00.000Z');
    expect([...(read?.topics ?? [])]).toEqual(topics);
    const { Item: head } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: keys.topicSnapshotHead() }),
    );
    expect(head?.parts).toBeGreaterThan(1);

    // One taken earlier (a slower matcher finishing late) does not replace it; one taken later does.
    await store().write({ takenAt: '2026-12-02T08:00:00.000Z', topics: topicsOf(3, 'old') });
    expect((await store().read(at))?.takenAt).toBe('2026-12-02T09:00:00.000Z');
    await store().write({ takenAt: '2026-12-02T10:00:00.000Z', topics: topicsOf(3, 'new') });
    expect([...((await store().read(at))?.topics ?? [])]).toEqual(topicsOf(3, 'new'));
  });

  it('counts a snapshot a day old as gone, whether or not TTL has removed it yet', async () => {
    await store().write({ takenAt: '2026-12-02T11:30:00.000Z', topics: topicsOf(3, 'c') });
    expect((await store().read(at))?.takenAt).toBe('2026-12-02T11:30:00.000Z');
    expect(await store().read(new Date('2026-12-03T11:30:00.000Z'))).toBeUndefined();
  });

  it('counts a snapshot with a part gone as none, so the matcher loads from the index', async () => {
    await store().write({ takenAt: '2026-12-02T11:45:00.000Z', topics: topicsOf(12_000, 'b') });
    const { Item: head } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: keys.topicSnapshotHead() }),
    );
    await table.db.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: keys.topicSnapshotPart(String(head?.snapshotId), 1),
      }),
    );
    expect(await store().read(at)).toBeUndefined();
  });
});
