import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClient } from './table-guard';

/** BatchGetItem takes at most 100 keys. */
const MAX_KEYS = 100;

interface PendingGet {
  readonly key: Record<string, unknown>;
  readonly resolve: (output: { Item?: Record<string, unknown> }) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A table client whose plain GetItems (whole item, by key) made within `windowMs` of each other go out as
 * one BatchGetItem per table and consistency: the records of a stream batch, sent concurrently, each read
 * a profile and a suppression entry, and one request for ten keys costs the emulator and the SDK far less
 * than ten. Answers are the same (a BatchGetItem may read strongly consistently too); keys DynamoDB leaves
 * unprocessed are asked for again. Everything else passes through.
 */
export function withBatchedGets(db: TableClient, windowMs = 2): TableClient {
  const queues = new Map<string, PendingGet[]>();

  async function flush(group: string, pending: PendingGet[]) {
    const [tableName, consistent] = JSON.parse(group) as [string, boolean];
    let keys = [...new Map(pending.map((p) => [JSON.stringify(p.key), p.key])).values()];
    const found = new Map<string, Record<string, unknown>>();
    try {
      for (let round = 0; keys.length > 0; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** round)));
        const { Responses, UnprocessedKeys } = await db.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: consistent } } }),
        );
        for (const item of Responses?.[tableName] ?? []) {
          found.set(JSON.stringify({ pk: item.pk, sk: item.sk }), item);
        }
        keys = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
      // Two callers asking for the same key in one window each get the answer.
      for (const waiter of pending) waiter.resolve({ Item: found.get(JSON.stringify(waiter.key)) });
    } catch (error) {
      for (const waiter of pending) waiter.reject(error);
    }
  }

  return {
    send: ((command: Parameters<TableClient['send']>[0], ...rest: unknown[]) => {
      const input = command instanceof GetCommand ? command.input : undefined;
      const plain =
        input?.TableName &&
        input.Key &&
        Object.keys(input.Key).join() === 'pk,sk' &&
        !input.ProjectionExpression &&
        !input.ReturnConsumedCapacity;
      if (!input || !plain) return (db.send as (...args: unknown[]) => unknown)(command, ...rest);
      const group = JSON.stringify([input.TableName, input.ConsistentRead === true]);
      return new Promise<{ Item?: Record<string, unknown> }>((resolve, reject) => {
        const queue = queues.get(group);
        const waiter: PendingGet = { key: input.Key as Record<string, unknown>, resolve, reject };
        if (queue) {
          queue.push(waiter);
          if (queue.length >= MAX_KEYS) {
            queues.delete(group);
            void flush(group, queue);
          }
          return;
        }
        const started: PendingGet[] = [waiter];
        queues.set(group, started);
        setTimeout(() => {
          if (queues.get(group) !== started) return;
          queues.delete(group);
          void flush(group, started);
        }, windowMs);
      });
    }) as TableClient['send'],
  };
}
