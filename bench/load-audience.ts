import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoBulkSubscriberStore } from '../lib/adapters/dynamo/bulk-subscriber-store';
import { makeDynamoSuppressionList } from '../lib/adapters/dynamo/suppression-list';
import { makeAddressHasher } from '../lib/subscriptions/suppression';
import { shuffled } from './corpus';
import { stateOf, type TrackedSubscriber } from './load-expectations';

const FREQUENCIES = ['instant', 'daily', 'weekly'] as const;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** The one subscriber of the warm-up article's query, whose alert tells the bench the matcher is loaded. */
export const WARM_UP = { email: 'warm-up@example.com', query: 'zqxwarmupword' };

/** An imported subscriber, with the topic id of each of their queries (for the preference form). */
export type ImportedSubscriber = TrackedSubscriber & { topicIds: Map<number, string> };

const csvField = (value: string) => (/[",;\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * The import file: `count` readers with 1–2 of `queries` each (2 for 40 %), a third each instant, daily and
 * weekly, plus the warm-up reader. Digests are due at an hour and weekday the run never reaches, so only
 * the bench's `--now` run sends them.
 */
export function subscriberCsv(count: number, queries: readonly string[], random: () => number, now: Date) {
  const digestHour = (now.getUTCHours() + 12) % 24;
  const weekday = WEEKDAYS[(now.getUTCDay() + 3) % 7];
  const rows = ['email,topics,frequency,timezone,digestHour,digestWeekday'];
  for (let i = 0; i < count; i++) {
    const picked = new Set<number>();
    const topics = random() < 0.4 ? 2 : 1;
    while (picked.size < topics) picked.add(Math.floor(random() * queries.length));
    const frequency = FREQUENCIES[Math.floor(random() * FREQUENCIES.length)] ?? 'instant';
    const field = csvField([...picked].map((q) => queries[q] ?? '').join(';'));
    rows.push(`load-${i}@example.com,${field},${frequency},UTC,${digestHour},${weekday}`);
  }
  rows.push(`${WARM_UP.email},${WARM_UP.query},instant,UTC,${digestHour},${weekday}`);
  return `${rows.join('\n')}\n`;
}

/** Who is who once imported: every active subscriber but the warm-up reader, with ids as stored. */
export async function importedSubscribers(
  db: DynamoDBDocumentClient,
  table: string,
  queryIndex: ReadonlyMap<string, number>,
): Promise<Map<string, ImportedSubscriber>> {
  const tracked = new Map<string, ImportedSubscriber>();
  for await (const { subscriber, topics } of makeDynamoBulkSubscriberStore(
    db,
    table,
  ).listActiveSubscriptions()) {
    if (subscriber.email === WARM_UP.email) continue;
    const states = topics.map((t) => ({ query: queryIndex.get(t.query) ?? -1, frequency: t.frequency }));
    if (states.some((t) => t.query < 0))
      throw new Error(`A stored query is not one the bench wrote: ${subscriber.email}`);
    tracked.set(subscriber.email, {
      id: subscriber.id,
      email: subscriber.email,
      initial: stateOf(true, states),
      changes: [],
      topicIds: new Map(topics.map((t) => [queryIndex.get(t.query) ?? -1, t.topicId])),
    });
  }
  return tracked;
}

/**
 * Puts `count` of the imported readers on the suppression list, as if their addresses had bounced before
 * the run, and takes them out of `tracked` so no churn touches them. They stay active subscribers, so the
 * pipeline matches and queues their mail; the send must skip every message. Returns them as the check
 * sees them: never to be mailed.
 */
export async function suppressSome(
  db: DynamoDBDocumentClient,
  table: string,
  salt: string,
  tracked: Map<string, ImportedSubscriber>,
  count: number,
  random: () => number,
): Promise<TrackedSubscriber[]> {
  const list = makeDynamoSuppressionList(db, table, makeAddressHasher(salt));
  const chosen = shuffled([...tracked.values()], random).slice(0, count);
  for (const subscriber of chosen) {
    await list.suppress(
      subscriber.email,
      { reason: 'permanent-bounce', detail: 'bench:load', messageId: 'bench', feedbackId: subscriber.id },
      new Date(),
    );
    tracked.delete(subscriber.email);
  }
  return chosen.map((s) => ({ ...s, initial: { ...s.initial, active: false } }));
}
