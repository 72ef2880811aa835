import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { TableClient } from './table-guard';

/** A read's projection of `fields`, every name a placeholder: some (`source`, `url`…) are reserved words. */
export function projectionOf(fields: readonly string[]) {
  return {
    ProjectionExpression: fields.map((field) => `#${field}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(fields.map((field) => [`#${field}`, field])),
  };
}

export async function* queryAll(
  db: TableClient,
  input: QueryCommandInput,
): AsyncGenerator<Record<string, unknown>> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield* page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** The query's first `limit` items, reading only as many pages as that takes. */
export async function queryAtMost(
  db: TableClient,
  input: QueryCommandInput,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  if (limit <= 0) return found;
  for await (const item of queryAll(db, { ...input, Limit: limit })) {
    found.push(item);
    if (found.length >= limit) break;
  }
  return found;
}

/** Every item of partition `pk` whose sort key begins with `prefix`, read consistently. */
export function queryPrefix(
  db: TableClient,
  tableName: string,
  pk: string,
  prefix: string,
): AsyncGenerator<Record<string, unknown>> {
  return queryAll(db, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
    ConsistentRead: true,
  });
}

/**
 * The pages of several queries, all running at once: each query asks for its next page as soon as its last
 * one arrives, and pages are handed over in the order they arrive, so the caller works on one while the
 * others are read. At most `ahead` pages wait unread (plus one in flight a query), which bounds the memory
 * a slow consumer costs. Stopping early (a `break`) or a failed request ends every query.
 */
export async function* queryAllAtOnce(
  db: TableClient,
  inputs: readonly QueryCommandInput[],
  ahead = inputs.length,
): AsyncGenerator<Record<string, unknown>[]> {
  const ready: Record<string, unknown>[][] = [];
  const roomWaiters: (() => void)[] = [];
  let wakeConsumer: (() => void) | undefined;
  let running = inputs.length;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  const wake = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };

  const read = async (input: QueryCommandInput) => {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      while (ready.length >= ahead && !stopped) await new Promise<void>((room) => roomWaiters.push(room));
      if (stopped) return;
      const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      ready.push(page.Items ?? []);
      wake();
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  };
  for (const input of inputs) {
    read(input)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        running--;
        wake();
      });
  }

  try {
    for (;;) {
      if (failure) throw failure.error;
      const page = ready.shift();
      if (page) {
        roomWaiters.shift()?.();
        yield page;
      } else if (running === 0) return;
      else await new Promise<void>((resume) => (wakeConsumer = resume));
    }
  } finally {
    stopped = true;
    for (const room of roomWaiters.splice(0)) room();
  }
}

/** BatchGetItem takes at most this many keys per request. */
const BATCH_GET_KEYS = 100;
/** Rounds of unprocessed keys or items before giving up: throttled for longer than backing off covers. */
const BATCH_ROUNDS = 10;

/**
 * Every item of `keys` that exists, however many requests it takes: at most 100 keys a request, and the
 * keys DynamoDB leaves unprocessed (throttling, the 16 MB answer limit) asked for again after a pause.
 */
export async function batchGetAll(
  db: TableClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  /** Only these attributes of each item. */
  attributes?: readonly string[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const projection = attributes && projectionOf(attributes);
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + BATCH_GET_KEYS);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === BATCH_ROUNDS) {
        throw new Error(`DynamoDB left ${pending.length} keys unread after ${BATCH_ROUNDS} attempts.`);
      }
      if (attempt > 0) await new Promise((wake) => setTimeout(wake, Math.min(1000, 25 * 2 ** attempt)));
      const { Responses, UnprocessedKeys } = await db.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...projection } },
        }),
      );
      found.push(...(Responses?.[tableName] ?? []));
      pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

/** BatchWriteItem takes at most this many items per request. */
const BATCH_WRITE_ITEMS = 25;
/** Requests in flight at once: enough to keep the table busy without queueing behind each other. */
const BATCH_WRITE_CONCURRENCY = 4;

/**
 * Puts every item, 25 a request, four requests in flight, the items DynamoDB leaves unprocessed sent again
 * after a pause. Unconditional, so only for items under keys the caller has just made its own.
 */
export async function batchWriteAll(
  db: TableClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_ITEMS)
    batches.push(items.slice(i, i + BATCH_WRITE_ITEMS));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++] as Record<string, unknown>[];
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === BATCH_ROUNDS) {
          throw new Error(`DynamoDB left ${pending.length} items unwritten after ${BATCH_ROUNDS} attempts.`);
        }
        if (attempt > 0) await new Promise((wake) => setTimeout(wake, Math.min(1000, 25 * 2 ** attempt)));
        const { UnprocessedItems } = await db.send(
          new BatchWriteCommand({
            RequestItems: { [tableName]: pending.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
        pending = (UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
          request.PutRequest?.Item ? [request.PutRequest.Item] : [],
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_WRITE_CONCURRENCY, batches.length) }, worker));
}
