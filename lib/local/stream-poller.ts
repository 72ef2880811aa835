import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamTrigger } from '../manifest';
import { matchesPattern, streamFilterPattern } from '../stream/filter-pattern';

export type StreamLambda = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  readonly name: string;
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly trigger: StreamTrigger;
  readonly handler: StreamLambda;
  /** Where the consumer's position is saved, so a restart (even after kill -9) resumes; memory only if unset. */
  readonly checkpointFile?: string;
  /** Same meaning as the Lambda event source's retry attempts; then the record goes to `onDeadLetter`. */
  readonly retryAttempts: number;
  readonly onDeadLetter: (name: string, record: DynamoDBRecord, reason: string) => Promise<void>;
  readonly pollMs?: number;
}

function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: d.ApproximateCreationDateTime
        ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: d.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
      NewImage: d.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      OldImage: d.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'],
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'],
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads DynamoDB Local's stream the way Lambda's event source mapping reads DynamoDB's: shard by shard,
 * in order, in batches, keeping only the records that pass the trigger's filter, retrying a failed record
 * from where it failed, and checkpointing after every batch.
 */
export function startStreamPoller(options: StreamPollerOptions) {
  const { client, streamArn, trigger } = options;
  const pollMs = options.pollMs ?? 100;
  // The pattern the stack gives Lambda's event source mapping, applied here the same way.
  const pattern = streamFilterPattern(trigger);
  let checkpoints: Record<string, string> = {};
  const finished = new Set<string>();
  const iterators = new Map<string, string | undefined>();
  let running = true;
  let idle = false;
  let loop: Promise<void> | undefined;

  async function loadCheckpoints() {
    if (!options.checkpointFile) return;
    try {
      const saved = JSON.parse(await readFile(options.checkpointFile, 'utf8'));
      checkpoints = saved.checkpoints ?? {};
      for (const id of saved.finished ?? []) finished.add(id);
    } catch {
      checkpoints = {};
    }
  }

  async function saveCheckpoints() {
    if (!options.checkpointFile) return;
    const tmp = `${options.checkpointFile}.tmp`;
    await mkdir(dirname(options.checkpointFile), { recursive: true });
    await writeFile(tmp, JSON.stringify({ checkpoints, finished: [...finished] }));
    await rename(tmp, options.checkpointFile);
  }

  async function iteratorFor(shardId: string): Promise<string | undefined> {
    const after = checkpoints[shardId];
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        SequenceNumber: after,
      }),
    );
    return ShardIterator;
  }

  /** Hands the filtered records to the handler in batches, retrying from a failed record like Lambda. */
  async function deliver(shardId: string, records: StreamRecord[]): Promise<void> {
    for (let start = 0; start < records.length && running; start += trigger.batchSize) {
      const batch = records.slice(start, start + trigger.batchSize);
      let pending = batch.filter((r) => matchesPattern(pattern, r)).map((r) => toLambdaRecord(r, streamArn));
      let attempts = 0;
      while (pending.length > 0 && running) {
        let failed: string | undefined;
        let reason = 'the handler reported the record as failed';
        try {
          failed = (await options.handler({ Records: pending }))?.batchItemFailures?.[0]?.itemIdentifier;
        } catch (error) {
          failed = pending[0]?.dynamodb?.SequenceNumber;
          reason = (error as Error).message;
        }
        if (failed === undefined) break;
        const at = Math.max(
          0,
          pending.findIndex((r) => r.dynamodb?.SequenceNumber === failed),
        );
        if (attempts >= options.retryAttempts) {
          await options.onDeadLetter(options.name, pending[at] as DynamoDBRecord, reason);
          pending = pending.slice(at + 1);
          attempts = 0;
          continue;
        }
        pending = pending.slice(at);
        attempts++;
        await sleep(Math.min(2000, 100 * 2 ** attempts));
      }
      if (!running) return;
      const last = batch.at(-1)?.dynamodb?.SequenceNumber;
      if (last) checkpoints[shardId] = last;
      await saveCheckpoints();
    }
  }

  async function pollOnce(): Promise<boolean> {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    let sawRecords = false;
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || finished.has(shardId)) continue;
      // Parents first, so records stay in order across a shard split.
      if (
        shard.ParentShardId &&
        !finished.has(shard.ParentShardId) &&
        StreamDescription?.Shards?.some((s) => s.ShardId === shard.ParentShardId)
      )
        continue;
      if (!iterators.has(shardId)) iterators.set(shardId, await iteratorFor(shardId));
      const iterator = iterators.get(shardId);
      if (!iterator) {
        finished.add(shardId);
        await saveCheckpoints();
        continue;
      }
      const { Records = [], NextShardIterator } = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }),
      );
      iterators.set(shardId, NextShardIterator);
      if (Records.length > 0) {
        sawRecords = true;
        // Busy from the moment records arrive, not only once they are handled: whenIdle must not see the
        // previous quiet pass while a slow handler (the send function waiting for tokens) still works.
        idle = false;
        await deliver(shardId, Records);
      }
      if (!running) return sawRecords;
    }
    return sawRecords;
  }

  return {
    async start() {
      await loadCheckpoints();
      loop = (async () => {
        while (running) {
          try {
            const busy = await pollOnce();
            idle = !busy;
            if (!busy) await sleep(pollMs);
          } catch (error) {
            idle = false;
            if (!running) break;
            console.error(`[${options.name}] stream polling failed; retrying:`, (error as Error).message);
            iterators.clear();
            await sleep(1000);
          }
        }
      })();
    },
    /** True once a full pass over the stream found nothing new. */
    get idle() {
      return idle;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

export type StreamPoller = ReturnType<typeof startStreamPoller>;
