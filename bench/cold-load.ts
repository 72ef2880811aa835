import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../lib/adapters/dynamo/keys';
import { batchWriteAll } from '../lib/adapters/dynamo/paginate';
import { subscriberItems } from '../lib/adapters/dynamo/subscriber-store';
import { guardTable, type TableClient } from '../lib/adapters/dynamo/table-guard';
import { makeDynamoTopicIndexReader } from '../lib/adapters/dynamo/topic-index-reader';
import { makeDynamoTopicSnapshotStore } from '../lib/adapters/dynamo/topic-snapshot-store';
import { ensureTable } from '../lib/local/table-setup';
import { functions } from '../lib/manifest';
import { indexKey, makeTopicIndexCache } from '../lib/matching/topic-index-cache';
import type { ActiveTopic, TopicIndexReader, TopicSnapshotStore } from '../lib/ports';
import type { Topic } from '../lib/subscriptions/model';
import { loadCorpus, REPO_ROOT, seededRandom } from './corpus';
import { startBenchDynamo } from './local-table';
import { pickBenchArticles, topicGenerator } from './match';

type Print = (line: string) => void;

const SCALES = [100_000, 300_000];
const EXTRAPOLATED = 1_000_000;
const OLD_TABLE = 'tidings-bench-sequential';
const NEW_TABLE = 'tidings-bench';
/** Items built and written at a time while filling, so the bench itself holds little. */
const FILL_CHUNK = 20_000;
const FREQUENCIES: readonly Topic['frequency'][] = ['instant', 'instant', 'daily', 'weekly'];

const TARGETS = {
  /** New load time over old at 300k topics. */
  ratioAt300k: 1 / 4,
  /** Half the match function's 60 s timeout, so a cold start still has time to match its batch. */
  secondsAt1M: 30,
  /** Three quarters of its 1,024 MB, leaving room for the batch being matched. */
  rssMbAt1M: 768,
};

// ---- The baseline: the reader and item layout before this change, kept here verbatim in effect. ----

/** The shards the old layout spread topics over, on the one overloaded GSI. */
const OLD_SHARDS = 8;

function oldShardOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % OLD_SHARDS;
}

/** A topic item as `putActiveTopic` wrote it before: filed on gsi1, which projected every attribute. */
function oldTopicItem(topic: Topic, at: string): Record<string, unknown> {
  return {
    pk: `SUB#${topic.subscriberId}`,
    sk: `TOPIC#${topic.id}`,
    entity: 'topic',
    ...topic,
    status: 'active',
    gsi1pk: `TOPICS#${oldShardOf(topic.subscriberId)}`,
    gsi1sk: `${at}#${topic.subscriberId}#${topic.id}`,
  };
}

/** The old `listActiveTopics`: shard after shard, each 1 MB page awaited before the next is asked for. */
async function* sequentialActiveTopics(db: TableClient, tableName: string): AsyncIterable<ActiveTopic> {
  for (let shard = 0; shard < OLD_SHARDS; shard++) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `TOPICS#${shard}` },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        yield {
          subscriberId: item.subscriberId as string,
          topicId: item.id as string,
          query: item.query as string,
          frequency: item.frequency as ActiveTopic['frequency'],
        };
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}

/** The old table: the one GSI, projecting all. */
async function createOldTable(client: DynamoDBClient): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: OLD_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

// ---- One measurement, in a child process of its own, as a cold function is. ----

type Loader = 'sequential' | 'parallel';

interface Measurement {
  readonly seconds: number;
  /** Of `seconds`, the time spent writing a snapshot (a first cold start, or one finding an old snapshot). */
  readonly snapshotWriteSeconds: number;
  readonly topics: number;
  /** Order-independent sum of the loaded keys' hashes: both loaders must load the same topics. */
  readonly checksum: number;
  readonly rssMbBefore: number;
  readonly peakRssMb: number;
  /** The heap still in use after a full collection: what the loaded index needs, garbage aside. */
  readonly liveHeapMb: number;
}

function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * What a cold match function does before matching: the same cache and index builder for both, fed by the
 * old sequential reader on the old table, or by the function's own stores (through its guarded client):
 * the snapshot when there is one, else the topics index read in parallel (then writing a snapshot).
 */
async function measureInChild(loader: Loader, endpoint: string): Promise<void> {
  const raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const db = DynamoDBDocumentClient.from(raw);
  const rssMbBefore = process.memoryUsage().rss / 2 ** 20;
  const guarded = guardTable(db, functions.match.table, 'match');
  const subscribers =
    loader === 'sequential'
      ? ({ listActiveTopics: () => sequentialActiveTopics(db, OLD_TABLE) } as unknown as TopicIndexReader)
      : makeDynamoTopicIndexReader(guarded, NEW_TABLE);
  let snapshotWriteSeconds = 0;
  const store = makeDynamoTopicSnapshotStore(guarded, NEW_TABLE);
  const snapshots: TopicSnapshotStore | undefined =
    loader === 'sequential'
      ? undefined
      : {
          read: (at) => store.read(at),
          async write(snapshot) {
            const started = performance.now();
            await store.write(snapshot);
            snapshotWriteSeconds = (performance.now() - started) / 1000;
          },
        };
  const started = performance.now();
  const { topics } = await makeTopicIndexCache({
    subscribers,
    snapshots,
    clock: { now: () => new Date() },
    onSnapshotError: (error) => {
      throw error;
    },
  })();
  const seconds = (performance.now() - started) / 1000;
  let checksum = 0;
  for (const topic of topics.values()) checksum = (checksum + keyHash(indexKey(topic))) >>> 0;
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const liveHeapMb = process.memoryUsage().heapUsed / 2 ** 20;
  const measurement: Measurement = {
    seconds,
    snapshotWriteSeconds,
    topics: topics.size,
    checksum,
    rssMbBefore,
    // Kilobytes on Linux: the process's high-water mark, what Lambda's memory limit is measured against.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    liveHeapMb,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
  db.destroy();
}

function measure(loader: Loader, endpoint: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), 'child', loader, endpoint],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`The ${loader} cold load exited with ${code}.`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Measurement);
    });
  });
}

// ---- The bench. ----

/** An item's size as DynamoDB counts it (names and UTF-8 values), projected to `attributes` if given. */
function itemBytes(item: Record<string, unknown>, attributes?: readonly string[]): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (attributes && !attributes.includes(name)) continue;
    bytes += Buffer.byteLength(name) + Buffer.byteLength(String(value));
  }
  return bytes;
}
const NEW_PROJECTED = ['pk', 'sk', 'tpk', 'tsk', 'query', 'frequency'];

const mb = (value: number) => `${value.toFixed(0)} MB`;
const label = (scale: number) => (scale >= 1_000_000 ? `${scale / 1_000_000}M` : `${scale / 1_000}k`);
/** A straight line through two measured points, read at `at`. */
const extrapolate = (x1: number, y1: number, x2: number, y2: number, at: number) =>
  y2 + ((y2 - y1) / (x2 - x1)) * (at - x2);

/**
 * A cold match function's load of every active topic, on DynamoDB Local (in memory), at 100,000 and
 * 300,000 topics: the old sequential reader of the all-attribute GSI against the new parallel reader of
 * the topics index, each in a fresh process, with the same topics (queries as the match bench makes them
 * from the corpus, about 1.4 a subscriber) in both layouts. Figures at a million are extrapolated.
 */
export async function run(print: Print): Promise<boolean> {
  const dynamo = await startBenchDynamo();
  const { raw, db } = dynamo;
  try {
    await ensureTable(raw, NEW_TABLE);
    await createOldTable(raw);
    const { putActiveTopic } = subscriberItems(db, NEW_TABLE);
    const corpus = loadCorpus();
    const random = seededRandom(7);
    const nextQuery = topicGenerator(corpus, pickBenchArticles(corpus, random), random);
    const at = new Date('2026-12-01T09:00:00.000Z');

    let filled = 0;
    const sizes = { old: 0, new: 0, items: 0 };
    let subscriberId = randomUUID();
    const fill = async (count: number) => {
      const oldItems: Record<string, unknown>[] = [];
      const newItems: Record<string, unknown>[] = [];
      for (let i = 0; i < count; i++) {
        // About 1.4 topics a subscriber, as the import bench's rows have.
        if (random() < 0.7) subscriberId = randomUUID();
        const topic: Topic = {
          subscriberId,
          id: randomUUID(),
          query: nextQuery(),
          frequency: FREQUENCIES[Math.floor(random() * FREQUENCIES.length)] as Topic['frequency'],
          status: 'active',
          requestId: randomUUID(),
          createdAt: at.toISOString(),
        };
        const oldItem = oldTopicItem(topic, at.toISOString());
        const newItem = putActiveTopic(subscriberId, topic, at).Put?.Item as Record<string, unknown>;
        sizes.old += itemBytes(oldItem);
        sizes.new += itemBytes(newItem, NEW_PROJECTED);
        sizes.items++;
        oldItems.push(oldItem);
        newItems.push(newItem);
      }
      await Promise.all([batchWriteAll(db, OLD_TABLE, oldItems), batchWriteAll(db, NEW_TABLE, newItems)]);
    };

    let correct = true;
    const results = new Map<number, Record<'old' | 'index' | 'snapshot', Measurement>>();
    for (const scale of SCALES) {
      const fillStarted = performance.now();
      while (filled < scale) {
        const count = Math.min(FILL_CHUNK, scale - filled);
        await fill(count);
        filled += count;
      }
      const fillSeconds = (performance.now() - fillStarted) / 1000;
      const size = label(scale);
      print(`cold-load-fill-${size}: ${fillSeconds.toFixed(0)} s (both layouts, BatchWriteItem)`);
      print(
        `cold-load-index-item-bytes: ${(sizes.old / sizes.items).toFixed(0)} gsi1, ${(sizes.new / sizes.items).toFixed(0)} topics (as DynamoDB counts them, before its 100-byte index overhead)`,
      );

      const old = await measure('sequential', dynamo.endpoint);
      // The topics were written with a fixed date, before any snapshot: the first cold start must find none.
      await db.send(new DeleteCommand({ TableName: NEW_TABLE, Key: keys.topicSnapshotHead() }));
      const index = await measure('parallel', dynamo.endpoint);
      const snapshot = await measure('parallel', dynamo.endpoint);
      results.set(scale, { old, index, snapshot });
      const { Item: head } = await db.send(
        new GetCommand({ TableName: NEW_TABLE, Key: keys.topicSnapshotHead() }),
      );
      const loadOnly = index.seconds - index.snapshotWriteSeconds;
      print(
        `cold-load-sequential-${size}: ${old.seconds.toFixed(2)} s (the old reader, gsi1, all attributes)`,
      );
      print(
        `cold-load-parallel-index-${size}: ${loadOnly.toFixed(2)} s (16 shards at once, query and frequency)`,
      );
      print(
        `cold-load-snapshot-write-${size}: ${index.snapshotWriteSeconds.toFixed(2)} s (${head?.parts} parts, by that first cold start)`,
      );
      print(`cold-load-from-snapshot-${size}: ${snapshot.seconds.toFixed(2)} s (every later cold start)`);
      print(
        `cold-load-ratio-index-${size}: ${(loadOnly / old.seconds).toFixed(2)}x (parallel index / sequential)`,
      );
      print(
        `cold-load-ratio-${size}: ${(snapshot.seconds / old.seconds).toFixed(2)}x (from snapshot / sequential)`,
      );
      print(`cold-load-sequential-peak-rss-${size}: ${mb(old.peakRssMb)}`);
      print(`cold-load-parallel-index-peak-rss-${size}: ${mb(index.peakRssMb)} (with the snapshot write)`);
      print(`cold-load-from-snapshot-peak-rss-${size}: ${mb(snapshot.peakRssMb)}`);
      print(
        `cold-load-live-heap-${size}: ${mb(old.liveHeapMb)} sequential, ${mb(snapshot.liveHeapMb)} from snapshot (after a full GC)`,
      );
      print(`cold-load-process-rss-before-load: ${mb(snapshot.rssMbBefore)} (node and tsx, before reading)`);
      const same = [old, index, snapshot].every((m) => m.topics === scale && m.checksum === old.checksum);
      if (!same) {
        const counts = [old, index, snapshot].map((m) => m.topics).join(', ');
        print(`cold-load-correct-${size}: FAIL (sequential, index, snapshot loaded ${counts} topics)`);
      }
      correct &&= same;
    }

    const [small, large] = SCALES as [number, number];
    const a = results.get(small);
    const b = results.get(large);
    if (!a || !b) return false;
    const at1M = (pick: (r: Record<'old' | 'index' | 'snapshot', Measurement>) => number) =>
      extrapolate(small, pick(a), large, pick(b), EXTRAPOLATED);
    const figures1M = {
      sequential: [at1M((r) => r.old.seconds), at1M((r) => r.old.peakRssMb)],
      'parallel-index': [
        at1M((r) => r.index.seconds - r.index.snapshotWriteSeconds),
        at1M((r) => r.index.peakRssMb),
      ],
      'from-snapshot': [at1M((r) => r.snapshot.seconds), at1M((r) => r.snapshot.peakRssMb)],
    } as const;
    for (const [name, [seconds, rss]] of Object.entries(figures1M)) {
      print(`cold-load-${name}-1M-extrapolated: ${seconds.toFixed(1)} s, ${mb(rss)} peak RSS`);
    }
    print(`cold-load-live-heap-1M-extrapolated: ${mb(at1M((r) => r.snapshot.liveHeapMb))} (from snapshot)`);
    const [seconds1M, rss1M] = figures1M['from-snapshot'];
    const ratio = b.snapshot.seconds / b.old.seconds;
    const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    print(`target cold-load-ratio-300k (≤ ${TARGETS.ratioAt300k}): ${pass(ratio <= TARGETS.ratioAt300k)}`);
    print(
      `target cold-load-1M-seconds (≤ ${TARGETS.secondsAt1M} s): ${pass(seconds1M <= TARGETS.secondsAt1M)}`,
    );
    print(`target cold-load-1M-rss (≤ ${TARGETS.rssMbAt1M} MB): ${pass(rss1M <= TARGETS.rssMbAt1M)}`);
    // Times are targets, not correctness: a miss prints FAIL without failing the run.
    return correct;
  } finally {
    await dynamo.stop();
  }
}

if (process.argv[2] === 'child') {
  await measureInChild(process.argv[3] as Loader, process.argv[4] ?? '');
}
