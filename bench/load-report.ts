import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../lib/adapters/dynamo/keys';
import {
  type AlertCheck,
  byInstantQuery,
  type DigestCheck,
  messageIdOf,
  type StoryWindow,
  type TrackedSubscriber,
} from './load-expectations';
import type { OutboxMessage } from './load-outbox';
import { descendants, peakRssMb, type StackProcess } from './load-processes';

export type Print = (line: string) => void;

/** One `POST /articles` of the stream: when it left and was answered, and the story it went to. */
export interface Ingested {
  readonly article: number;
  readonly start: number;
  readonly end: number;
  readonly status: string;
  readonly storyId?: string;
  readonly baseline: boolean;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** A latency's p50 and p99 over the whole stream, over its baseline, and over the rest against the baseline. */
export function printFigure(
  print: Print,
  name: string,
  baseline: readonly number[],
  churned: readonly number[],
  baselineLabel: string,
) {
  const [b50, b99, c50, c99] = [
    percentile(baseline, 50),
    percentile(baseline, 99),
    percentile(churned, 50),
    percentile(churned, 99),
  ];
  const all = [...baseline, ...churned];
  print(`${name}-p50: ${percentile(all, 50).toFixed(0)} ms`);
  print(`${name}-p99: ${percentile(all, 99).toFixed(0)} ms`);
  print(`${name}-baseline-p50: ${b50.toFixed(0)} ms (${baselineLabel})`);
  print(`${name}-baseline-p99: ${b99.toFixed(0)} ms`);
  print(`${name}-with-churn-p50: ${c50.toFixed(0)} ms (${(c50 / b50).toFixed(2)}x baseline)`);
  print(`${name}-with-churn-p99: ${c99.toFixed(0)} ms (${(c99 / b99).toFixed(2)}x baseline)`);
}

/** p50 of `values` (ordered as the stream sent them) in each tenth: whether a figure grows through the run. */
export function printByTenth(print: Print, name: string, values: readonly number[]) {
  const tenth = Math.ceil(values.length / 10);
  const p50s: string[] = [];
  for (let from = 0; from < values.length; from += tenth) {
    p50s.push(percentile(values.slice(from, from + tenth), 50).toFixed(0));
  }
  print(`${name}-p50-by-tenth: ${p50s.join(' ')} ms`);
}

/**
 * The stored stories of a run, each with the queries its articles match and the time it was in the
 * pipeline (first ingest request to last accepted alert), and each alert's latency from its story's first
 * ingest request, split by whether that request was in the baseline.
 */
export function storiesOf(
  ingested: readonly Ingested[],
  matchedBy: readonly ReadonlySet<number>[],
  alerts: readonly OutboxMessage[],
  everyone: readonly TrackedSubscriber[],
  domain: string,
) {
  const stories = new Map<string, { matched: Set<number>; from: number; to: number; baseline: boolean }>();
  for (const i of ingested) {
    if (i.storyId === undefined || (i.status !== 'stored' && i.status !== 'updated')) continue;
    const story = stories.get(i.storyId);
    if (!story) {
      const matched = new Set(matchedBy[i.article]);
      stories.set(i.storyId, { matched, from: i.start, to: i.end, baseline: i.baseline });
      continue;
    }
    for (const q of matchedBy[i.article] ?? []) story.matched.add(q);
    if (i.start < story.from) Object.assign(story, { from: i.start, baseline: i.baseline });
    story.to = Math.max(story.to, i.end);
  }
  // Per story: the ids its candidates' alerts would have, to find each message's story.
  const byQuery = byInstantQuery(everyone);
  const messageStory = new Map<string, string>();
  for (const [storyId, story] of stories) {
    for (const q of story.matched) {
      for (const s of byQuery.get(q) ?? []) {
        if (s.id) messageStory.set(messageIdOf(s.id, `ALERT#${storyId}`, 'alert', domain), storyId);
      }
    }
  }
  const latency = { baseline: [] as number[], churn: [] as number[] };
  const lastAlert = new Map<string, number>();
  for (const m of alerts) {
    const storyId = messageStory.get(m.messageId);
    const story = storyId === undefined ? undefined : stories.get(storyId);
    if (!story || storyId === undefined) continue;
    lastAlert.set(storyId, Math.max(lastAlert.get(storyId) ?? 0, m.acceptedAt));
    (story.baseline ? latency.baseline : latency.churn).push(m.acceptedAt - story.from);
  }
  const windows: StoryWindow[] = [...stories].map(([id, story]) => ({
    id,
    matched: story.matched,
    from: story.from,
    to: Math.max(story.to, lastAlert.get(id) ?? 0),
  }));
  return { windows, latency };
}

/** The alert check's figures, its examples, and the ledger entries of the first lost pairs. */
export async function printAlertCheck(
  print: Print,
  check: AlertCheck,
  db: DynamoDBDocumentClient,
  table: string,
) {
  print(`load-alert-pairs-expected: ${check.expected} (subscriber, story) pairs`);
  print(`load-alert-lost: ${check.lost}`);
  print(`load-alert-duplicated: ${check.duplicated}`);
  print(`load-alert-unexpected: ${check.unexpected}`);
  print(
    `load-alert-excluded-race-window: ${check.excluded} pairs (${check.excludedReceived} of them got the alert)`,
  );
  for (const line of check.examples) print(`# ${line}`);
  for (const { subscriberId, storyId } of check.lostPairs) {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: keys.delivery(subscriberId, `ALERT#${storyId}`) }),
    );
    print(`# ledger of ${subscriberId} for ${storyId}: ${JSON.stringify(Item ?? 'no delivery item')}`);
  }
}

/**
 * Digests by address, and how many deliveries went out twice (the same Message-ID, a repeated send; two
 * deliveries to one address would be a second digest). For the first addresses that got two, their ledger
 * entries and when each copy was accepted, to see how it happened.
 */
export async function printDigestsSent(
  print: Print,
  sent: readonly OutboxMessage[],
  everyone: readonly TrackedSubscriber[],
  db: DynamoDBDocumentClient,
  table: string,
): Promise<Map<string, number>> {
  const digestsTo = new Map<string, number>();
  for (const m of sent) digestsTo.set(m.to, (digestsTo.get(m.to) ?? 0) + 1);
  const sameDelivery = new Map<string, number>();
  for (const m of sent) sameDelivery.set(m.messageId, (sameDelivery.get(m.messageId) ?? 0) + 1);
  const repeated = [...sameDelivery.values()].filter((n) => n > 1).length;
  print(`load-digest-deliveries-sent-twice: ${repeated} (same Message-ID)`);
  const changed = new Set(everyone.filter((s) => s.changes.length > 0).map((s) => s.email));
  const twice = [...digestsTo].filter(([, n]) => n > 1).map(([to]) => to);
  if (twice.length === 0) return digestsTo;
  print(
    `# digests twice to ${twice.length} addresses, ${twice.filter((to) => changed.has(to)).length} of them changed in the run: ${twice.slice(0, 3).join(', ')}`,
  );
  for (const to of twice.slice(0, 3)) {
    const subscriberId = everyone.find((s) => s.email === to)?.id ?? '';
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `SUB#${subscriberId}`, ':sk': 'DELIVERY#DIGEST' },
      }),
    );
    const copies = sent.filter((m) => m.to === to).map((m) => new Date(m.acceptedAt).toISOString());
    const ledger = Items.map(({ key, status, attempts, claimedAt, sentAt, createdAt }) => ({
      key,
      status,
      attempts,
      createdAt,
      claimedAt,
      sentAt,
    }));
    print(`# ${to}: copies accepted at ${copies.join(', ')}; ledger ${JSON.stringify(ledger)}`);
  }
  return digestsTo;
}

export function printDigestCheck(print: Print, check: DigestCheck): boolean {
  const exact = check.lost === 0 && check.duplicated === 0 && check.unexpected === 0;
  print(
    `load-digest-exactly-once: ${exact ? 'PASS' : 'FAIL'} (${check.expected} expected, ${check.lost} lost, ${check.duplicated} duplicated, ${check.unexpected} unexpected, ${check.excluded} changed subscribers not predicted)`,
  );
  return exact;
}

/** Peak memory of the stack and DynamoDB Local, and what the stack logged of dead letters and problems. */
export function printStackHealth(print: Print, stack: StackProcess) {
  for (const p of descendants(stack.child.pid ?? -1)) {
    if (p.pid === stack.child.pid)
      print(
        `load-peak-rss-stack: ${peakRssMb(p.pid)?.toFixed(0)} MB (node: handlers, HTTP, stream pollers, SES endpoint)`,
      );
    else if (p.name === 'java')
      print(`load-peak-rss-dynamodb-local: ${peakRssMb(p.pid)?.toFixed(0)} MB (java)`);
  }
  const gaveUp = stack.log.filter((line) => /gave up|failed/.test(line));
  print(`load-dead-letters: ${gaveUp.length}`);
  for (const line of gaveUp.slice(0, 3)) print(`# ${line}`);
  print(`load-function-errors-warnings-and-requeues: ${stack.problems.length} log lines`);
  for (const line of stack.problems.slice(0, 5)) print(`# ${line.slice(0, 400)}`);
}
