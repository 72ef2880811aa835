import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ActiveTopic, TopicSnapshot, TopicSnapshotStore } from '../../ports';
import { ignoreConditionFailure } from './errors';
import { keys } from './keys';
import { lapsed } from './subscriber-store';
import type { TableClient } from './table-guard';

/** Uncompressed bytes of topics a part starts from; gzipped, ids and queries come to about half. */
const PART_SOURCE_BYTES = 600_000;
/** DynamoDB's item limit is 400 KB; a part that compresses worse than expected is split. */
const PART_MAX_BYTES = 380_000;
/** Parts read or written at once. */
const PARTS_IN_FLIGHT = 16;
/**
 * A snapshot (head and parts) is used for a day at most, then TTL removes it. Cold starts replace it
 * hourly while the matcher is busy; the limit is for a quiet one: a snapshot holds the queries of topics
 * retired since it was taken, an erased subscriber's among them, and must not keep them for long.
 */
const SNAPSHOT_TTL_SECONDS = 24 * 3600;

const FREQUENCY_CODES = { instant: 'i', daily: 'd', weekly: 'w' } as const;
const FREQUENCIES = { i: 'instant', d: 'daily', w: 'weekly' } as const;
type Row = [subscriberId: string, topicId: string, frequency: 'i' | 'd' | 'w', query: string];

async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, items.length) }, worker));
  return results;
}

/** Rows as gzipped JSON parts of at most PART_MAX_BYTES each. */
function encodeParts(topics: Iterable<ActiveTopic>): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const pack = (rows: Row[]) => {
    const data = gzipSync(JSON.stringify(rows));
    if (data.byteLength <= PART_MAX_BYTES || rows.length === 1) parts.push(data);
    else {
      const half = Math.ceil(rows.length / 2);
      pack(rows.slice(0, half));
      pack(rows.slice(half));
    }
  };
  let rows: Row[] = [];
  let bytes = 0;
  for (const topic of topics) {
    rows.push([topic.subscriberId, topic.topicId, FREQUENCY_CODES[topic.frequency], topic.query]);
    bytes += topic.subscriberId.length + topic.topicId.length + topic.query.length + 12;
    if (bytes >= PART_SOURCE_BYTES) {
      pack(rows);
      rows = [];
      bytes = 0;
    }
  }
  if (rows.length > 0) pack(rows);
  return parts;
}

function* decodeParts(parts: readonly Uint8Array[]): Iterable<ActiveTopic> {
  for (const part of parts) {
    // One part's rows at a time: the compressed parts are all the snapshot holds in memory at once.
    for (const [subscriberId, topicId, frequency, query] of JSON.parse(
      gunzipSync(part).toString('utf8'),
    ) as Row[]) {
      yield { subscriberId, topicId, query, frequency: FREQUENCIES[frequency] };
    }
  }
}

/**
 * The active topics in a few hundred-kilobyte items instead of one item each: a cold matcher reads 1,000
 * times fewer items, and DynamoDB's cost per item read and returned (and DynamoDB Local's far more so)
 * is what a cold load of a million single-topic items spent its time on. The head names the current
 * snapshot; the parts are written first, so a head never names a snapshot not yet complete.
 */
export function makeDynamoTopicSnapshotStore(db: TableClient, tableName: string): TopicSnapshotStore {
  return {
    async read(at) {
      const { Item: head } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.topicSnapshotHead(), ConsistentRead: true }),
      );
      if (typeof head?.snapshotId !== 'string' || typeof head.parts !== 'number') return undefined;
      // TTL deletes lag by up to days: past its expiry a snapshot counts as gone already.
      if (lapsed(head, at)) return undefined;
      const snapshotId = head.snapshotId;
      const parts = await inBatches(
        Array.from({ length: head.parts }, (_, part) => part),
        async (part) => {
          const { Item } = await db.send(
            new GetCommand({
              TableName: tableName,
              Key: keys.topicSnapshotPart(snapshotId, part),
              ConsistentRead: true,
            }),
          );
          return Item?.data instanceof Uint8Array ? Item.data : undefined;
        },
      );
      if (parts.some((part) => part === undefined)) return undefined;
      return { takenAt: String(head.takenAt), topics: decodeParts(parts as Uint8Array[]) };
    },

    async write(snapshot: TopicSnapshot) {
      const snapshotId = `${snapshot.takenAt}#${randomUUID().slice(0, 8)}`;
      const parts = encodeParts(snapshot.topics);
      const expiresAt = Math.floor(Date.parse(snapshot.takenAt) / 1000) + SNAPSHOT_TTL_SECONDS;
      await inBatches(
        parts.map((data, part) => ({ data, part })),
        ({ data, part }) =>
          db.send(
            new PutCommand({
              TableName: tableName,
              Item: {
                ...keys.topicSnapshotPart(snapshotId, part),
                entity: 'topic-snapshot',
                data,
                expiresAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
      );
      // Another matcher's snapshot taken later stays current; this one's parts then expire unread.
      await ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.topicSnapshotHead(),
              entity: 'topic-snapshot',
              snapshotId,
              takenAt: snapshot.takenAt,
              parts: parts.length,
              expiresAt,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR takenAt < :takenAt',
            ExpressionAttributeValues: { ':takenAt': snapshot.takenAt },
          }),
        ),
      );
    },
  };
}
