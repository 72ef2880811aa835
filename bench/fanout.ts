import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoDeliveryStore } from '../lib/adapters/dynamo/delivery-store';
import { keys } from '../lib/adapters/dynamo/keys';
import { settleEach } from '../lib/concurrency';
import { ensureTable } from '../lib/local/table-setup';
import { functions } from '../lib/manifest';
import { chunkRecipients, planId, planRecipients } from '../lib/matching/fan-out-plan';
import type { FanOutChunk } from '../lib/ports';
import { makeFanOut } from '../lib/use-cases/fan-out';
import { countItems, startBenchDynamo } from './local-table';

type Print = (line: string) => void;

const RECIPIENTS = 5_000;
const TABLE = 'tidings-bench-fanout';
/** Chunks the fan-out function's event source handles at once (the manifest's parallelisation factor). */
const PARALLEL_CHUNKS = functions.fanout.triggers[0].parallelization;

const deliveriesAbout = (client: DynamoDBClient, articleId: string) =>
  countItems(client, TABLE, { entity: 'delivery', articleId });

/**
 * One story matching 5,000 instant subscribers, on DynamoDB Local: the fan-out as the match function did
 * it before chunks (one conditional put after another, each alert copying its query), against the chunked
 * fan-out (chunk puts, then chunks handled ten at a time with 16 writes in flight each, as the fanout
 * function's event source and code do). Each must leave exactly one alert per subscriber.
 */
export async function run(print: Print): Promise<boolean> {
  const dynamo = await startBenchDynamo();
  const { raw, db } = dynamo;
  try {
    await ensureTable(raw, TABLE);
    const deliveries = makeDynamoDeliveryStore(db, TABLE);
    const now = new Date();
    const matches = Array.from({ length: RECIPIENTS }, (_, i) => ({
      subscriberId: `reader-${String(i).padStart(6, '0')}`,
      topicId: `topic-${i}`,
      frequency: 'instant' as const,
      query: 'Iran AND (Iraq OR Baghdad) -football',
      terms: ['iran', 'iraq'],
    }));

    // Warm the JVM, so neither side pays for its start.
    await settleEach(matches.slice(0, 500), 16, (m) =>
      deliveries.queueAlert(
        {
          kind: 'alert',
          subscriberId: m.subscriberId,
          key: 'ALERT#warm-up',
          articleId: 'warm-up',
          topics: [],
        },
        now,
      ),
    );

    // Before: the match function's loop, one awaited put per subscriber.
    let started = performance.now();
    for (const m of matches) {
      await db.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            ...keys.delivery(m.subscriberId, 'ALERT#sequential'),
            entity: 'delivery',
            status: 'queued',
            createdAt: now.toISOString(),
            attempts: 0,
            kind: 'alert',
            subscriberId: m.subscriberId,
            key: 'ALERT#sequential',
            articleId: 'sequential',
            topics: [{ topicId: m.topicId, query: m.query, terms: m.terms }],
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    }
    const sequentialSeconds = (performance.now() - started) / 1000;

    // After: plan, write the chunks, fan each out.
    started = performance.now();
    const recipients = planRecipients(matches);
    const chunks: FanOutChunk[] = chunkRecipients(recipients).map((chunk, index, all) => ({
      articleId: 'chunked',
      storyId: 'chunked',
      planId: planId(recipients),
      index,
      count: all.length,
      recipients: chunk,
    }));
    const planSeconds = (performance.now() - started) / 1000;
    await settleEach(chunks, 8, (chunk) => deliveries.queueFanOut(chunk, now));
    const matchSeconds = (performance.now() - started) / 1000;
    const fanOut = makeFanOut({ deliveries, clock: { now: () => now }, onFailure: () => {} });
    const chunkSeconds: number[] = [];
    const outcomes = await settleEach(chunks, PARALLEL_CHUNKS, async (chunk) => {
      const chunkStarted = performance.now();
      await fanOut(chunk);
      chunkSeconds.push((performance.now() - chunkStarted) / 1000);
    });
    const chunkedSeconds = (performance.now() - started) / 1000;

    const sequentialCount = await deliveriesAbout(raw, 'sequential');
    const chunkedCount = await deliveriesAbout(raw, 'chunked');
    print(
      `fanout-sequential-5k: ${sequentialSeconds.toFixed(2)} s (${(RECIPIENTS / sequentialSeconds).toFixed(0)} alerts/s, the old match loop)`,
    );
    print(
      `fanout-chunked-5k: ${chunkedSeconds.toFixed(2)} s (${(RECIPIENTS / chunkedSeconds).toFixed(0)} alerts/s, ${chunks.length} chunks, ${PARALLEL_CHUNKS} at a time)`,
    );
    print(`fanout-speedup: ${(sequentialSeconds / chunkedSeconds).toFixed(2)}x`);
    print(
      `fanout-match-step-5k: ${(matchSeconds * 1000).toFixed(0)} ms (plan ${(planSeconds * 1000).toFixed(0)} ms, then ${chunks.length} chunk puts: all a match invocation does after matching)`,
    );
    print(
      `fanout-slowest-chunk: ${Math.max(...chunkSeconds).toFixed(2)} s of ${functions.fanout.timeoutSeconds} s timeout (500 recipients, 10 chunks sharing one DynamoDB Local)`,
    );
    // At 100,000 recipients the match step writes 200 chunks instead of 10; each chunk is the same work.
    print(
      `fanout-match-step-100k-extrapolated: ${((matchSeconds * 200) / chunks.length).toFixed(1)} s of ${functions.match.timeoutSeconds} s timeout`,
    );
    const correct =
      sequentialCount === RECIPIENTS &&
      chunkedCount === RECIPIENTS &&
      outcomes.every((outcome) => outcome.status === 'fulfilled');
    print(
      `fanout-exactly-one-alert-each: ${correct ? 'PASS' : `FAIL (${sequentialCount}, ${chunkedCount})`}`,
    );
    return correct;
  } finally {
    await dynamo.stop();
  }
}
