import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { alertPair } from './load-expectations';
import type { watchOutbox } from './load-outbox';

/** How long the outbox must stay unchanged before the bench takes the pipeline for done. */
const QUIET_MS = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

const OPEN_STATUSES = ['queued', 'sending', 'retry'];

/** How many deliveries are still queued, claimed or waiting for a retry: a count the scan does itself. */
async function openDeliveries(db: DynamoDBDocumentClient, table: string): Promise<number> {
  let open = 0;
  for await (const page of paginateScan(
    { client: db },
    {
      TableName: table,
      Select: 'COUNT',
      FilterExpression: 'entity = :delivery AND #status IN (:queued, :sending, :retry)',
      ExpressionAttributeValues: {
        ':delivery': 'delivery',
        ...Object.fromEntries(OPEN_STATUSES.map((status) => [`:${status}`, status])),
      },
      ExpressionAttributeNames: { '#status': 'status' },
    },
  )) {
    open += page.Count ?? 0;
  }
  return open;
}

/**
 * Deliveries by kind and status (skipped ones by reason), how many are still on their way, and when the
 * ledger sent or skipped each alert (by `alertPair`). The final tally: `drained` polls `openDeliveries`.
 */
export async function deliveryCounts(db: DynamoDBDocumentClient, table: string) {
  const counts = new Map<string, number>();
  const alertSettledAt = new Map<string, number>();
  let open = 0;
  for await (const page of paginateScan(
    { client: db },
    {
      TableName: table,
      FilterExpression: 'entity = :delivery',
      ExpressionAttributeValues: { ':delivery': 'delivery' },
      ProjectionExpression: 'kind, #status, skipReason, subscriberId, articleId, sentAt, skippedAt',
      ExpressionAttributeNames: { '#status': 'status' },
    },
  )) {
    for (const item of page.Items ?? []) {
      const status = String(item.status);
      if (OPEN_STATUSES.includes(status)) open++;
      const name = `${item.kind} ${status}${status === 'skipped' ? ` (${item.skipReason})` : ''}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      const settled = Date.parse(String(item.sentAt ?? item.skippedAt));
      if (item.kind === 'alert' && Number.isFinite(settled)) {
        alertSettledAt.set(alertPair(String(item.subscriberId), String(item.articleId)), settled);
      }
    }
  }
  return { counts, open, alertSettledAt };
}

/**
 * Resolves once the outbox has not grown for `QUIET_MS` and no delivery is queued, claimed or waiting for a
 * retry, with when it last grew; or at `deadline`, with how many deliveries were still open.
 */
export async function drained(
  outbox: ReturnType<typeof watchOutbox>,
  db: DynamoDBDocumentClient,
  table: string,
  deadline: number,
): Promise<{ quietSince: number; open: number }> {
  let count = -1;
  let quietSince = Date.now();
  for (;;) {
    await outbox.flush();
    if (outbox.messages.length !== count) {
      count = outbox.messages.length;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > QUIET_MS) {
      const open = await openDeliveries(db, table);
      if (open === 0) return { quietSince, open };
    }
    if (Date.now() > deadline) return { quietSince, open: await openDeliveries(db, table) };
    await sleep(1000);
  }
}
