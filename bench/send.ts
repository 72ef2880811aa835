import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { withArticleCache } from '../lib/adapters/cached-article-store';
import { makeDynamoArticleBatchReader, makeDynamoArticleStore } from '../lib/adapters/dynamo/article-store';
import { makeDynamoArticleWriter } from '../lib/adapters/dynamo/article-writer';
import { withBatchedGets } from '../lib/adapters/dynamo/batched-gets';
import { makeDynamoBulkSubscriberStore } from '../lib/adapters/dynamo/bulk-subscriber-store';
import { makeDynamoDeliveryStore } from '../lib/adapters/dynamo/delivery-store';
import { makeDynamoSendPause, makeDynamoSendThrottle } from '../lib/adapters/dynamo/send-control';
import { makeDynamoSendLedger } from '../lib/adapters/dynamo/send-ledger';
import { makeDynamoStoryReader } from '../lib/adapters/dynamo/story-reader';
import { makeDynamoSubscriberReader, makeDynamoTopicsByKey } from '../lib/adapters/dynamo/subscriber-reader';
import { makeDynamoSuppressionList } from '../lib/adapters/dynamo/suppression-list';
import { noMetrics } from '../lib/adapters/metrics/recording-metrics';
import { makeSesMailer } from '../lib/adapters/ses/ses-mailer';
import { normaliseArticle } from '../lib/articles';
import { runImportCommand } from '../lib/cli/subscribers-command';
import { subscribersCommand } from '../lib/compose/cli';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local';
import { freePort } from '../lib/local/free-port';
import { ensureTable } from '../lib/local/table-setup';
import type { AlertDelivery, Mailer } from '../lib/ports';
import { parseDelivery } from '../lib/sending/parse-delivery';
import { SEND_CONCURRENCY } from '../lib/sending/send-concurrency';
import { forEachNewImage, forEachNewImageConcurrently } from '../lib/stream/stream-batch';
import { makeAddressHasher } from '../lib/subscriptions/suppression';
import { makeTokens } from '../lib/subscriptions/tokens';
import { makeLinks } from '../lib/use-cases/links';
import { makeSendDelivery } from '../lib/use-cases/send-delivery';
import { REPO_ROOT } from './corpus';
import { makeBaselineSendDelivery } from './send-baseline';

type Print = (line: string) => void;

/** `BENCH_SEND_SUBSCRIBERS` shrinks the run for a quick look; the figures in the README use the default. */
const SUBSCRIBERS = Number(process.env.BENCH_SEND_SUBSCRIBERS ?? 5_000);
/** The baseline and the capped run each send to the first this many (their rate needs no more). */
const SAMPLE = Math.min(1_000, SUBSCRIBERS);
const CAP = 50;
const LIFTED = 100_000;
const BATCH = Number(process.env.BENCH_SEND_BATCH ?? 10);
const TARGET_RATE = 150;
const TARGET_RATIO = 4;
const TABLE = 'tidings-bench-send';
const SALT = 'the-bench-suppression-salt';
const FROM = 'Tidings <alerts@tidings.local>';

const sink = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

/**
 * The SES endpoint in a process of its own, as SES is to Lambda: in this one it would parse every message
 * on the bench's own event loop and cap what concurrency can show.
 */
async function startSesChild() {
  const port = await freePort();
  const cli = createRequire(import.meta.url).resolve('aws-ses-v2-local/dist/cli.js');
  const child = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const up = await fetch(`${endpoint}/health-check`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (tries > 100) throw new Error('The SES endpoint did not start.');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/** The stream's view of queued deliveries: records of `BATCH`, as the event source mapping hands them over. */
function streamBatches(deliveries: readonly AlertDelivery[], at: Date): DynamoDBStreamEvent[] {
  const batches: DynamoDBStreamEvent[] = [];
  for (let i = 0; i < deliveries.length; i += BATCH) {
    batches.push({
      Records: deliveries.slice(i, i + BATCH).map((delivery, j) => ({
        eventName: 'INSERT',
        dynamodb: {
          SequenceNumber: String(i + j),
          NewImage: marshall(
            { entity: 'delivery', status: 'queued', createdAt: at.toISOString(), attempts: 0, ...delivery },
            { removeUndefinedValues: true },
          ) as never,
        },
      })),
    });
  }
  return batches;
}

/**
 * One article matching `SUBSCRIBERS` confirmed instant subscribers, sent through DynamoDB Local and the
 * local SES endpoint. The match step is someone else's bench; this one times the send phase from the first
 * queued delivery: the deliveries are queued as the matcher queues them, then handed to the send function's
 * batch handler in stream-sized batches, one after the other as one shard's poller does. Today's path runs
 * with the cap lifted and with a cap of 50/s; the baseline is the sequential path before this change.
 */
export async function run(print: Print): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'tidings-bench-send-'));
  const server = await startDynamoDbLocal({ projectRoot: REPO_ROOT });
  const ses = await startSesChild();
  const raw = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const plainDb = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  /** Requests and their time by command, to show where the send phase's time goes. */
  const timings = new Map<string, { n: number; ms: number }>();
  const db = {
    send: (async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
      const t = performance.now();
      try {
        return await (plainDb.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      } finally {
        const e = timings.get(command.constructor.name) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += performance.now() - t;
        timings.set(command.constructor.name, e);
      }
    }) as typeof plainDb.send,
    destroy: () => plainDb.destroy(),
  };
  const sesClient = new SESClient({
    region: 'us-east-1',
    endpoint: ses.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await ensureTable(raw, TABLE);
    const csv = join(dir, 'readers.csv');
    const rows = Array.from({ length: SUBSCRIBERS }, (_, i) => `reader-${i}@example.com,Iran AND Iraq`);
    await writeFile(csv, `email,topics\n${rows.join('\n')}\n`);
    await runImportCommand({
      path: csv,
      consented: true,
      maxTopics: 25,
      importSubscribers: subscribersCommand(db, TABLE, SALT).importSubscribers,
      stdout: sink(),
      stderr: sink(),
    });
    const subscribers: { id: string; email: string; topicId: string }[] = [];
    for await (const { subscriber, topics } of makeDynamoBulkSubscriberStore(
      db,
      TABLE,
    ).listActiveSubscriptions()) {
      const [topic] = topics;
      if (topic) subscribers.push({ id: subscriber.id, email: subscriber.email, topicId: topic.topicId });
    }
    subscribers.sort((a, b) => a.email.localeCompare(b.email));

    const articles = { ...makeDynamoArticleStore(db, TABLE), ...makeDynamoArticleBatchReader(db, TABLE) };
    const deliveries = makeDynamoDeliveryStore(db, TABLE);
    const common = {
      subscribers: makeDynamoSubscriberReader(db, TABLE),
      stories: makeDynamoStoryReader(db, TABLE),
      deliveries,
      suppressions: makeDynamoSuppressionList(db, TABLE, makeAddressHasher(SALT)),
      clock: { now: () => new Date() },
      links: makeLinks('http://localhost:3000', makeTokens('the-bench-token-secret')),
      mailFrom: FROM,
      claimTimeoutMs: 120_000,
      digestPause: { current: async () => undefined },
      metrics: noMetrics,
    };

    /** Queues one article's alert for `count` subscribers, sends them, and checks SES got one each. */
    const phase = async (
      title: string,
      count: number,
      send: (batch: DynamoDBStreamEvent, mailer: Mailer) => Promise<unknown>,
    ) => {
      const article = normaliseArticle({ title, text: `Iran and Iraq: ${title}.` }, new Date());
      await makeDynamoArticleWriter(db, TABLE).putIfAbsent(article);
      const queued: AlertDelivery[] = subscribers.slice(0, count).map((s) => ({
        kind: 'alert',
        subscriberId: s.id,
        key: `ALERT#${article.id}`,
        articleId: article.id,
        // The subscriber's own topic: the sender names it from their topics, and skips an alert for none.
        topics: [{ topicId: s.topicId, query: 'Iran AND Iraq', terms: ['iran', 'iraq'] }],
      }));
      // Queued as the matcher queues them (50 at a time) while the send side works through the stream behind.
      const started = performance.now();
      const ready: Promise<unknown>[] = [];
      let queuing: Promise<unknown> = Promise.resolve();
      for (let i = 0; i < queued.length; i += BATCH) {
        const chunk = queued.slice(i, i + BATCH);
        queuing = queuing.then(() => Promise.all(chunk.map((d) => deliveries.queueAlert(d, new Date()))));
        ready.push(queuing);
      }
      const accepted: number[] = [];
      const sesMailer = makeSesMailer(sesClient, undefined);
      const mailer: Mailer = {
        ...sesMailer,
        async send(mail) {
          const t = performance.now();
          const id = await sesMailer.send(mail);
          const e = timings.get('SES') ?? { n: 0, ms: 0 };
          e.n++;
          e.ms += performance.now() - t;
          timings.set('SES', e);
          accepted.push(performance.now());
          return id;
        },
      };
      const batches = streamBatches(queued, new Date());
      console.error(`[bench send] ${title}: ${count} deliveries`);
      timings.clear();
      for (const [i, batch] of batches.entries()) {
        await ready[i];
        await send(batch, mailer);
      }
      // DynamoDB requests of the send side (the queueing puts are the matcher's): the local emulator
      // serves a few hundred a second at best, so this is what bounds the rate here.
      const requests = [...timings].filter(([name]) => name !== 'PutCommand' && name !== 'SES');
      const requestsPerMessage = requests.reduce((sum, [, t]) => sum + t.n, 0) / count;
      console.error(
        `[bench send] ${title}: ${[...timings].map(([name, t]) => `${name} ${t.n}× ${(t.ms / t.n).toFixed(1)} ms`).join(', ')}`,
      );
      const first = (accepted[0] ?? started) - started;
      const last = (accepted.at(-1) ?? started) - started;
      // The SES endpoint's own record: exactly one message of this article per subscriber.
      const { emails = [] } = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
        emails?: { subject?: string; destination?: { to?: string[] } }[];
      };
      const perAddress = new Map<string, number>();
      for (const email of emails.filter((e) => e.subject?.includes(title))) {
        for (const to of email.destination?.to ?? []) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
      }
      const exactlyOnce =
        perAddress.size === count &&
        [...perAddress.values()].every((n) => n === 1) &&
        subscribers.slice(0, count).every((s) => perAddress.has(s.email));
      return {
        first,
        last,
        rate: count / (last / 1000),
        // Between the first and the last message: what the cap holds once sending is under way.
        steadyRate: (accepted.length - 1) / ((last - first) / 1000),
        exactlyOnce,
        requestsPerMessage,
      };
    };

    const baseline = await phase('Baseline accord', SAMPLE, (batch, mailer) => {
      const send = makeBaselineSendDelivery({ ...common, articles, mailer });
      return forEachNewImage(batch, async (image) => {
        await send(parseDelivery(image));
      });
    });

    // Printed as each phase ends: on a busy machine a run can take many minutes.
    print(
      `send-baseline-rate: ${baseline.rate.toFixed(0)} messages/s (${SAMPLE} messages, sequential, before this change)`,
    );
    print(`send-baseline-dynamodb-requests: ${baseline.requestsPerMessage.toFixed(2)} per message`);

    const today = (perSecond: number) => {
      const cached = withArticleCache(articles, { maxEntries: 256, ttlMs: 30_000 });
      const throttle = makeDynamoSendThrottle(db, TABLE, { perSecond });
      const pause = makeDynamoSendPause(db, TABLE);
      // As lib/compose/send.ts builds them.
      const batched = withBatchedGets(db);
      let built: { mailer: Mailer; send: ReturnType<typeof makeSendDelivery> } | undefined;
      return (batch: DynamoDBStreamEvent, mailer: Mailer) => {
        if (built?.mailer !== mailer) {
          built = {
            mailer,
            send: makeSendDelivery({
              ...common,
              subscribers: {
                ...makeDynamoSubscriberReader(batched, TABLE),
                ...makeDynamoTopicsByKey(batched, TABLE),
              },
              deliveries: makeDynamoSendLedger(db, TABLE),
              suppressions: makeDynamoSuppressionList(batched, TABLE, makeAddressHasher(SALT)),
              articles: cached,
              mailer,
              throttle,
              pause,
              ids: { newId: () => crypto.randomUUID() },
            }),
          };
        }
        const { send } = built;
        return forEachNewImageConcurrently(
          batch,
          async (image) => {
            await send(parseDelivery(image));
          },
          SEND_CONCURRENCY,
        );
      };
    };
    const lifted = await phase('Lifted accord', SUBSCRIBERS, today(LIFTED));

    print(
      `send-${SUBSCRIBERS}-first-message: ${lifted.first.toFixed(0)} ms (from the first queued delivery)`,
    );
    print(`send-${SUBSCRIBERS}-last-message: ${(lifted.last / 1000).toFixed(1)} s`);
    print(
      `send-${SUBSCRIBERS}-rate: ${lifted.rate.toFixed(0)} messages/s (cap lifted; target ≥ ${TARGET_RATE})`,
    );
    print(`send-${SUBSCRIBERS}-dynamodb-requests: ${lifted.requestsPerMessage.toFixed(2)} per message`);
    const ratio = lifted.rate / baseline.rate;
    print(`send-${SUBSCRIBERS}-vs-baseline: ${ratio.toFixed(1)}× (target ≥ ${TARGET_RATIO}×)`);
    const capped = await phase('Capped accord', SAMPLE, today(CAP));
    const capError = Math.abs(capped.steadyRate - CAP) / CAP;
    print(
      `send-capped-rate: ${capped.steadyRate.toFixed(1)} messages/s (cap ${CAP}/s, ${SAMPLE} messages; within ${(capError * 100).toFixed(1)}%)`,
    );
    const correct = [baseline, lifted, capped].every((p) => p.exactlyOnce);
    print(
      `send-exactly-once: ${correct ? 'PASS' : 'FAIL'} (every subscriber one message per article, by the SES endpoint's store)`,
    );
    const targets = lifted.rate >= TARGET_RATE && ratio >= TARGET_RATIO && capError <= 0.05;
    print(`target send: ${targets ? 'PASS' : 'FAIL'}`);
    return correct;
  } finally {
    db.destroy();
    sesClient.destroy();
    await ses.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
