import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoBulkSubscriberStore } from '../lib/adapters/dynamo/bulk-subscriber-store';
import { normaliseArticle } from '../lib/articles';
import { freePort } from '../lib/local/free-port';
import { matchableArticle } from '../lib/matching/matchable-article';
import { TopicIndex } from '../lib/query';
import { type CorpusArticle, loadCorpus, seededRandom, shuffled } from './corpus';
import { importedSubscribers, subscriberCsv, suppressSome, WARM_UP } from './load-audience';
import { planChurn } from './load-churn';
import { deliveryCounts, drained } from './load-drain';
import { checkAlerts, checkDigests } from './load-expectations';
import { watchOutbox } from './load-outbox';
import { startStackProcess, tidings } from './load-processes';
import { distinctQueries, loadQueryGenerator } from './load-queries';
import {
  type Print,
  printAlertCheck,
  printByTenth,
  printDigestCheck,
  printDigestsSent,
  printFigure,
  printStackHealth,
  storiesOf,
} from './load-report';
import { runStream } from './load-stream';

/** The issue's size; `--scale 0.02` or `TIDINGS_LOAD_SCALE=0.02` shrinks every count for a quick run. */
const FULL = { subscribers: 50_000, queries: 10_000, articles: 2_000, churnEach: 500 };
/** The first tenth of the stream runs with no churn: the baseline the rest is compared with. */
const BASELINE_SHARE = 0.1;
/** High enough that the token bucket never holds a message back on the local stack. */
const MAX_SEND_RATE = 10_000;
/** The local stack's table and MAIL_FROM domain (`lib/local/local-env.ts` defaults). */
const TABLE = 'tidings';
const DOMAIN = 'tidings.local';

function readScale(): number {
  const at = process.argv.indexOf('--scale');
  const raw = at >= 0 ? process.argv[at + 1] : process.env.TIDINGS_LOAD_SCALE;
  const scale = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!(scale > 0 && scale <= 1)) throw new Error(`The load scale must be in (0, 1], got "${raw}".`);
  return scale;
}

/**
 * `--drain-minutes N` (default 20): how long after the stream the bench waits for the last message. Past
 * it the run reports what is still queued and fails, rather than counting undelivered mail as lost.
 */
function readDrainMs(): number {
  const at = process.argv.indexOf('--drain-minutes');
  const minutes = at >= 0 ? Number(process.argv[at + 1]) : 20;
  if (!(minutes > 0)) throw new Error(`--drain-minutes must be above 0, got "${process.argv[at + 1]}".`);
  return minutes * 60_000;
}

/** `--profile DIR`: a CPU profile of the stack process, to see where its time goes. */
function readProfileDir(): string | undefined {
  const at = process.argv.indexOf('--profile');
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function readRate(): number {
  const raw = process.env.TIDINGS_LOAD_RATE;
  const rate = raw === undefined || raw === '' ? 3 : Number(raw);
  if (!(rate > 0)) throw new Error(`TIDINGS_LOAD_RATE must be articles a second above 0, got "${raw}".`);
  return rate;
}

/** Of the imported subscribers, this share's addresses are put on the suppression list before the stream. */
const SUPPRESSED_SHARE = 0.01;

/**
 * `npm run bench:load`: the local stack (in a process of its own) with 50,000 subscribers imported through
 * the CLI over 10,000 distinct queries, then 2,000 corpus articles posted to `POST /articles` at a steady
 * rate while readers subscribe (and confirm from the email), change topics and unsubscribe in one click.
 * Then a `--now` digest run. Every message is counted from the outbox against what each subscriber was to
 * get; the run fails if anything was lost, duplicated or sent to someone else.
 */
export async function run(print: Print): Promise<boolean> {
  const scale = readScale();
  const rate = readRate();
  const size = {
    subscribers: Math.round(FULL.subscribers * scale),
    queries: Math.max(10, Math.round(FULL.queries * scale)),
    articles: Math.max(10, Math.round(FULL.articles * scale)),
    churnEach: Math.max(2, Math.round(FULL.churnEach * scale)),
  };
  const random = seededRandom(2026);
  const corpus = loadCorpus();
  print(`corpus: ${corpus.description}`);
  print(
    `load-size: ${size.subscribers} subscribers, ${size.queries} queries, ${size.articles} articles, ${size.churnEach} each of subscribe/change/unsubscribe (scale ${scale})`,
  );
  print(`load-ingest-rate: ${rate} articles/s`);
  print(`load-max-send-rate: ${MAX_SEND_RATE} messages/s (TIDINGS_MAX_SEND_RATE)`);

  // The stream and the queries, and which queries each article matches, before anything is started.
  const articles: CorpusArticle[] = shuffled(corpus.articles, random).slice(0, size.articles);
  const queries = distinctQueries(loadQueryGenerator(corpus, random), size.queries);
  const queryIndex = new Map(queries.map((query, i) => [query, i]));
  const oracle = new TopicIndex();
  for (const [i, query] of queries.entries()) oracle.add(String(i), query);
  const matchedBy = articles.map(
    (a) =>
      new Set(
        oracle
          .match(matchableArticle(normaliseArticle({ title: a.title, text: a.text, lang: 'en' }, new Date())))
          .map((m) => Number(m.topicId)),
      ),
  );

  const dir = await mkdtemp(join(tmpdir(), 'tidings-bench-load-'));
  const ports = { api: await freePort(), dynamodb: await freePort(), ses: await freePort() };
  const ingestKey = 'load-bench-key';
  const tokenSecret = 'load-bench-token-secret';
  const env = {
    PORT: String(ports.api),
    DYNAMODB_PORT: String(ports.dynamodb),
    SES_PORT: String(ports.ses),
    TIDINGS_DATA_DIR: join(dir, 'data'),
    TIDINGS_INGEST_KEY: ingestKey,
    TIDINGS_TOKEN_SECRET: tokenSecret,
    TIDINGS_SUPPRESSION_SALT: 'load-bench-suppression-salt',
    TIDINGS_MAX_SEND_RATE: String(MAX_SEND_RATE),
    // Every churn request comes from this one address.
    TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE: '1000000',
  };
  const apiUrl = `http://localhost:${ports.api}`;
  const stack = await startStackProcess(env, readProfileDir());
  const outbox = watchOutbox(join(dir, 'data', 'outbox'));
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${ports.dynamodb}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const db = DynamoDBDocumentClient.from(raw);
  let ok = true;
  try {
    const csv = join(dir, 'subscribers.csv');
    await writeFile(csv, subscriberCsv(size.subscribers, queries, random, new Date()));
    let started = performance.now();
    const imported = await tidings(['subscribers', 'import', csv, '--consented'], env);
    const importSeconds = (performance.now() - started) / 1000;
    print(
      `load-import: ${importSeconds.toFixed(1)} s (${((size.subscribers + 1) / importSeconds) | 0} rows/s; ${imported.trim()})`,
    );

    const tracked = await importedSubscribers(db, TABLE, queryIndex);
    if (tracked.size !== size.subscribers)
      throw new Error(`${tracked.size} of ${size.subscribers} subscribers are active after the import.`);
    const suppressedReaders = await suppressSome(
      db,
      TABLE,
      env.TIDINGS_SUPPRESSION_SALT,
      tracked,
      Math.max(2, Math.round(size.subscribers * SUPPRESSED_SHARE)),
      random,
    );
    print(
      `load-suppressed: ${suppressedReaders.length} imported subscribers' addresses on the suppression list (active, never to be mailed)`,
    );

    const ingest = (body: object) =>
      fetch(`${apiUrl}/articles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    // Warm-up: the match function's first article loads every topic; the bench waits for its one alert.
    started = performance.now();
    await ingest({ title: 'Warm-up', text: `The ${WARM_UP.query} is here.`, lang: 'en' });
    await outbox.waitFor(WARM_UP.email, 'alert');
    // The stream starts on an idle stack, so the baseline is not spent on the import's stream records.
    await stack.idle();
    print(
      `load-warm-up: ${((performance.now() - started) / 1000).toFixed(1)} s (first article to its alert, the matcher loading ${tracked.size} subscribers' topics, then until the stack is idle)`,
    );

    // The churn: who does what, and when, spread over the part of the stream after the baseline.
    const churn = planChurn({ apiUrl, tokenSecret, queries, tracked, outbox, random, each: size.churnEach });
    const { operations, leaving, changing, joined, failures } = churn;

    const baselineCount = Math.max(1, Math.round(articles.length * BASELINE_SHARE));
    const { ingested, streamStart } = await runStream({
      ingest,
      articles,
      rate,
      baselineCount,
      operations,
      failures,
      messages: () => outbox.messages.length,
    });
    const streamSeconds = (Date.now() - streamStart) / 1000;
    print(
      `load-stream: ${streamSeconds.toFixed(0)} s for ${articles.length} articles and ${operations.length} subscriber changes`,
    );

    // The ingest figures now: they do not depend on the drain, which can take long.
    const baselineLabel = `first ${baselineCount} articles, no churn`;
    const ingestMs = ingested.map((i) => i.end - i.start);
    const statuses = new Map<string, number>();
    for (const i of ingested) statuses.set(i.status, (statuses.get(i.status) ?? 0) + 1);
    print(`load-ingest-outcomes: ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}`);
    printFigure(
      print,
      'load-ingest-latency',
      ingestMs.slice(0, baselineCount),
      ingestMs.slice(baselineCount),
      baselineLabel,
    );
    printByTenth(print, 'load-ingest-latency', ingestMs);
    print(`load-messages-during-stream: ${outbox.messages.length}`);

    const drainMs = readDrainMs();
    const { quietSince, open } = await drained(outbox, db, TABLE, Date.now() + drainMs);
    if (open > 0) {
      ok = false;
      print(
        `load-not-drained: ${open} deliveries still queued or sending ${drainMs / 60_000} min after the stream`,
      );
    }
    const { counts, alertSettledAt } = await deliveryCounts(db, TABLE);
    print(`load-deliveries: ${[...counts].map(([name, n]) => `${n} ${name}`).join(', ')}`);
    print(
      `load-drained: ${((quietSince - streamStart) / 1000).toFixed(0)} s from the first article to the last message`,
    );

    // Joiners' ids, from the table: only those who confirmed are active.
    for await (const { subscriber } of makeDynamoBulkSubscriberStore(db, TABLE).listActiveSubscriptions()) {
      const joiner = joined.find((j) => j.email === subscriber.email);
      if (joiner) joiner.id = subscriber.id;
    }

    const alerts = outbox.messages.filter((m) => m.kind === 'alert' && m.to !== WARM_UP.email);
    const everyone = [...tracked.values(), ...suppressedReaders, ...joined];
    const { windows, latency } = storiesOf(ingested, matchedBy, alerts, everyone, DOMAIN);
    print(`load-stories: ${windows.length}`);
    printFigure(print, 'load-alert-latency', latency.baseline, latency.churn, baselineLabel);
    print(`load-alerts: ${alerts.length} messages`);
    if (failures.length > 0) {
      ok = false;
      print(`load-churn-failures: ${failures.length} (${failures.slice(0, 3).join('; ')})`);
    }
    print(
      `load-subscribe-retries: ${churn.retriedSubscribes()} (a subscribe past its function's 10 s timeout answers 503)`,
    );
    print(
      `load-churn: ${leaving.length} unsubscribed, ${changing.length} changed topics, ${joined.filter((j) => j.confirms).length} subscribed and confirmed, ${joined.filter((j) => !j.confirms).length} subscribed and never confirmed`,
    );

    const received = new Map<string, number>();
    for (const m of alerts) received.set(m.messageId, (received.get(m.messageId) ?? 0) + 1);
    const check = checkAlerts(everyone, windows, received, DOMAIN, alertSettledAt);
    const exact = check.lost === 0 && check.duplicated === 0 && check.unexpected === 0;
    ok &&= exact;
    await printAlertCheck(print, check, db, TABLE);
    print(
      `load-exactly-once: ${exact ? 'PASS' : 'FAIL'}${open > 0 ? ' (not drained: lost includes mail still queued)' : ''}`,
    );

    // The digest run, as an operator starts it, timed to its last accepted message.
    const before = outbox.messages.length;
    const startedAt = Date.now();
    const summary = await tidings(['digest', 'run', '--now'], env);
    const queued = Number(/Queued (\d+) digest/.exec(summary)?.[1] ?? Number.NaN);
    await drained(outbox, db, TABLE, Date.now() + drainMs);
    const sent = outbox.messages.slice(before).filter((m) => m.kind === 'digest');
    const lastDigest = Math.max(...sent.map((m) => m.acceptedAt));
    print(
      `load-digest-run: ${((lastDigest - startedAt) / 1000).toFixed(1)} s for ${sent.length} of ${queued} queued digests (${summary.trim().split('\n')[0]})`,
    );
    const digestsTo = await printDigestsSent(print, sent, everyone, db, TABLE);
    // Printed whatever the alert check said: `ok &&= print…` would skip the call once ok is false.
    const digestsExact = printDigestCheck(print, checkDigests(everyone, windows, digestsTo));
    ok &&= digestsExact;
    printStackHealth(print, stack);
    return ok;
  } finally {
    outbox.stop();
    db.destroy();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run((line) => console.log(line)).then(
    (ok) => {
      process.exitCode = ok ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
