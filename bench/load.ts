import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoBulkSubscriberStore } from '../lib/adapters/dynamo/bulk-subscriber-store';
import { keys } from '../lib/adapters/dynamo/keys';
import { normaliseArticle } from '../lib/articles';
import { freePort } from '../lib/local/free-port';
import { matchableArticle } from '../lib/matching/matchable-article';
import { TopicIndex } from '../lib/query';
import { type CorpusArticle, loadCorpus, seededRandom, shuffled } from './corpus';
import { planChurn } from './load-churn';
import {
  checkAlerts,
  checkDigests,
  messageIdOf,
  type StoryWindow,
  stateOf,
  type TrackedSubscriber,
} from './load-expectations';
import { watchOutbox } from './load-outbox';
import { descendants, peakRssMb, startStackProcess, tidings } from './load-processes';
import { distinctQueries, loadQueryGenerator } from './load-queries';

type Print = (line: string) => void;

/** The issue's size; `--scale 0.02` or `TIDINGS_LOAD_SCALE=0.02` shrinks every count for a quick run. */
const FULL = { subscribers: 50_000, queries: 10_000, articles: 2_000, churnEach: 500 };
/** The first tenth of the stream runs with no churn: the baseline the rest is compared with. */
const BASELINE_SHARE = 0.1;
/** High enough that the token bucket never holds a message back on the local stack. */
const MAX_SEND_RATE = 10_000;
/** How long the outbox must stay unchanged before the bench takes the pipeline for done. */
const QUIET_MS = 20_000;
/** The local stack's table and MAIL_FROM domain (`lib/local/local-env.ts` defaults). */
const TABLE = 'tidings';
const DOMAIN = 'tidings.local';
const FREQUENCIES = ['instant', 'daily', 'weekly'] as const;
const WARM_UP_QUERY = 'zqxwarmupword';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const csvField = (value: string) => (/[",;\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Deliveries by kind and status (skipped ones by reason), and how many are still on their way. */
async function deliveryCounts(db: DynamoDBDocumentClient) {
  const counts = new Map<string, number>();
  let open = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'entity = :delivery',
        ExpressionAttributeValues: { ':delivery': 'delivery' },
        ProjectionExpression: 'kind, #status, skipReason',
        ExpressionAttributeNames: { '#status': 'status' },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const status = String(item.status);
      if (status === 'queued' || status === 'sending' || status === 'retry') open++;
      const name = `${item.kind} ${status}${status === 'skipped' ? ` (${item.skipReason})` : ''}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { counts, open };
}

/**
 * Resolves once the outbox has not grown for `QUIET_MS` and no delivery is queued, claimed or waiting for a
 * retry, with when it last grew.
 */
async function drained(
  outbox: ReturnType<typeof watchOutbox>,
  db: DynamoDBDocumentClient,
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
      const { open } = await deliveryCounts(db);
      if (open === 0) return { quietSince, open };
    }
    if (Date.now() > deadline) return { quietSince, open: (await deliveryCounts(db)).open };
    await sleep(1000);
  }
}

interface Ingested {
  readonly article: number;
  readonly start: number;
  readonly end: number;
  readonly status: string;
  readonly storyId?: string;
  readonly baseline: boolean;
}

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

  // Digests at an hour and weekday that the run never reaches, so only the `--now` run sends them.
  const now = new Date();
  const digestHour = (now.getUTCHours() + 12) % 24;
  const weekday = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][
    (now.getUTCDay() + 3) % 7
  ];
  const rows = ['email,topics,frequency,timezone,digestHour,digestWeekday'];
  const planned = new Map<string, { queries: number[]; frequency: string }>();
  for (let i = 0; i < size.subscribers; i++) {
    const picked = new Set<number>();
    const count = random() < 0.4 ? 2 : 1;
    while (picked.size < count) picked.add(Math.floor(random() * queries.length));
    const frequency = FREQUENCIES[Math.floor(random() * FREQUENCIES.length)] ?? 'instant';
    const email = `load-${i}@example.com`;
    planned.set(email, { queries: [...picked], frequency });
    const topics = [...picked].map((q) => queries[q] ?? '').join(';');
    rows.push(`${email},${csvField(topics)},${frequency},UTC,${digestHour},${weekday}`);
  }
  rows.push(`warm-up@example.com,${WARM_UP_QUERY},instant,UTC,${digestHour},${weekday}`);

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
    await writeFile(csv, `${rows.join('\n')}\n`);
    let started = performance.now();
    const imported = await tidings(['subscribers', 'import', csv, '--consented'], env);
    const importSeconds = (performance.now() - started) / 1000;
    print(
      `load-import: ${importSeconds.toFixed(1)} s (${((rows.length - 1) / importSeconds) | 0} rows/s; ${imported.trim()})`,
    );

    // Who is who: ids and topic ids as the import stored them.
    const tracked = new Map<string, TrackedSubscriber & { topicIds: Map<number, string> }>();
    for await (const { subscriber, topics } of makeDynamoBulkSubscriberStore(
      db,
      TABLE,
    ).listActiveSubscriptions()) {
      if (subscriber.email === 'warm-up@example.com') continue;
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
    if (tracked.size !== size.subscribers)
      throw new Error(`${tracked.size} of ${size.subscribers} subscribers are active after the import.`);

    const ingest = (body: object) =>
      fetch(`${apiUrl}/articles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    // Warm-up: the match function's first article loads every topic; the bench waits for its one alert.
    started = performance.now();
    await ingest({ title: 'Warm-up', text: `The ${WARM_UP_QUERY} is here.`, lang: 'en' });
    await outbox.waitFor('warm-up@example.com', 'alert');
    // The stream starts on an idle stack, so the baseline is not spent on the import's stream records.
    await stack.idle();
    print(
      `load-warm-up: ${((performance.now() - started) / 1000).toFixed(1)} s (first article to its alert, the matcher loading ${tracked.size} subscribers' topics, then until the stack is idle)`,
    );

    // The churn: who does what, and when, spread over the part of the stream after the baseline.
    const churn = planChurn({ apiUrl, tokenSecret, queries, tracked, outbox, random, each: size.churnEach });
    const { operations, leaving, changing, joined, failures } = churn;

    // The stream: one POST every 1/rate s whatever the answers (an open loop), churn beside it.
    const baselineCount = Math.max(1, Math.round(articles.length * BASELINE_SHARE));
    const streamStart = Date.now() + 500;
    const mainStart = streamStart + (baselineCount * 1000) / rate;
    const mainMs = ((articles.length - baselineCount) * 1000) / rate;
    const churning = operations.map(async (operation, i) => {
      await sleep(mainStart + (i * mainMs) / operations.length - Date.now());
      await operation().catch((error: Error) => failures.push(error.message));
    });
    const posted = articles.map(async (article, i): Promise<Ingested> => {
      await sleep(streamStart + (i * 1000) / rate - Date.now());
      const start = Date.now();
      const response = await ingest({ title: article.title, text: article.text, lang: 'en' });
      const body = (await response.json()) as {
        articles?: { id: string; status: string; storyId?: string }[];
      };
      const end = Date.now();
      const [result] = body.articles ?? [];
      return {
        article: i,
        start,
        end,
        status: result?.status ?? `http ${response.status}`,
        ...(result && { storyId: result.storyId ?? result.id }),
        baseline: i < baselineCount,
      };
    });
    // Progress on stderr: a full run takes many minutes.
    let answered = 0;
    for (const p of posted) void p.then(() => answered++);
    const progress = setInterval(() => {
      console.error(
        `[bench load] ${answered}/${articles.length} articles answered, ${outbox.messages.length} messages`,
      );
    }, 30_000);
    const ingested = await Promise.all(posted).finally(() => clearInterval(progress));
    await Promise.all(churning);
    const streamSeconds = (Date.now() - streamStart) / 1000;
    print(
      `load-stream: ${streamSeconds.toFixed(0)} s for ${articles.length} articles and ${operations.length} subscriber changes`,
    );

    // The ingest figures now: they do not depend on the drain, which can take long.
    const ingestMs = (baseline: boolean) =>
      ingested.filter((i) => i.baseline === baseline).map((i) => i.end - i.start);
    const figure = (name: string, baseline: readonly number[], churned: readonly number[], unit = 'ms') => {
      const [b50, b99, c50, c99] = [
        percentile(baseline, 50),
        percentile(baseline, 99),
        percentile(churned, 50),
        percentile(churned, 99),
      ];
      const all = [...baseline, ...churned];
      print(`${name}-p50: ${percentile(all, 50).toFixed(0)} ${unit}`);
      print(`${name}-p99: ${percentile(all, 99).toFixed(0)} ${unit}`);
      print(`${name}-baseline-p50: ${b50.toFixed(0)} ${unit} (first ${baselineCount} articles, no churn)`);
      print(`${name}-baseline-p99: ${b99.toFixed(0)} ${unit}`);
      print(`${name}-with-churn-p50: ${c50.toFixed(0)} ${unit} (${(c50 / b50).toFixed(2)}x baseline)`);
      print(`${name}-with-churn-p99: ${c99.toFixed(0)} ${unit} (${(c99 / b99).toFixed(2)}x baseline)`);
    };
    const statuses = new Map<string, number>();
    for (const i of ingested) statuses.set(i.status, (statuses.get(i.status) ?? 0) + 1);
    print(`load-ingest-outcomes: ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}`);
    figure('load-ingest-latency', ingestMs(true), ingestMs(false));
    print(`load-messages-during-stream: ${outbox.messages.length}`);

    const drainMs = readDrainMs();
    const { quietSince, open } = await drained(outbox, db, Date.now() + drainMs);
    if (open > 0) {
      ok = false;
      print(
        `load-not-drained: ${open} deliveries still queued or sending ${drainMs / 60_000} min after the stream`,
      );
    }
    const { counts } = await deliveryCounts(db);
    print(`load-deliveries: ${[...counts].map(([name, n]) => `${n} ${name}`).join(', ')}`);
    print(
      `load-drained: ${((quietSince - streamStart) / 1000).toFixed(0)} s from the first article to the last message`,
    );

    // Joiners' ids, from the table: only those who confirmed are active.
    for await (const { subscriber } of makeDynamoBulkSubscriberStore(db, TABLE).listActiveSubscriptions()) {
      const joiner = joined.find((j) => j.email === subscriber.email);
      if (joiner) joiner.id = subscriber.id;
    }

    // Stories, and when each was in the pipeline.
    const alerts = outbox.messages.filter((m) => m.kind === 'alert' && m.to !== 'warm-up@example.com');
    const lastAlert = new Map<string, number>();
    const received = new Map<string, number>();
    for (const m of alerts) received.set(m.messageId, (received.get(m.messageId) ?? 0) + 1);
    const stored = ingested.filter(
      (i) => i.storyId !== undefined && (i.status === 'stored' || i.status === 'updated'),
    );
    const stories = new Map<
      string,
      { matched: Set<number>; from: number; to: number; articles: Ingested[] }
    >();
    for (const i of stored) {
      const id = i.storyId as string;
      const story = stories.get(id) ?? { matched: new Set<number>(), from: i.start, to: i.end, articles: [] };
      for (const q of matchedBy[i.article] ?? []) story.matched.add(q);
      story.from = Math.min(story.from, i.start);
      story.to = Math.max(story.to, i.end);
      story.articles.push(i);
      stories.set(id, story);
    }
    const everyone = [...tracked.values(), ...joined];
    // Per story: the ids its candidates' alerts would have, to find each message's story.
    const messageStory = new Map<string, string>();
    const byQuery = new Map<number, TrackedSubscriber[]>();
    for (const s of everyone) {
      for (const q of new Set([...s.initial.instant, ...s.changes.flatMap((c) => [...c.after.instant])])) {
        const list = byQuery.get(q) ?? [];
        list.push(s);
        byQuery.set(q, list);
      }
    }
    for (const [storyId, story] of stories) {
      for (const q of story.matched) {
        for (const s of byQuery.get(q) ?? []) {
          if (s.id) messageStory.set(messageIdOf(s.id, `ALERT#${storyId}`, 'alert', DOMAIN), storyId);
        }
      }
    }
    const latency = { baseline: [] as number[], churn: [] as number[] };
    for (const m of alerts) {
      const storyId = messageStory.get(m.messageId);
      const story = storyId === undefined ? undefined : stories.get(storyId);
      if (!story) continue;
      lastAlert.set(storyId as string, Math.max(lastAlert.get(storyId as string) ?? 0, m.acceptedAt));
      const first = story.articles.reduce((a, b) => (a.start <= b.start ? a : b));
      (first.baseline ? latency.baseline : latency.churn).push(m.acceptedAt - story.from);
    }
    const windows: StoryWindow[] = [...stories].map(([id, story]) => ({
      id,
      matched: story.matched,
      from: story.from,
      to: Math.max(story.to, lastAlert.get(id) ?? 0),
    }));

    print(`load-stories: ${stories.size}`);
    figure('load-alert-latency', latency.baseline, latency.churn);
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

    const check = checkAlerts(everyone, windows, received, DOMAIN);
    const exact = check.lost === 0 && check.duplicated === 0 && check.unexpected === 0;
    ok &&= exact;
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
        new GetCommand({ TableName: TABLE, Key: keys.delivery(subscriberId, `ALERT#${storyId}`) }),
      );
      print(`# ledger of ${subscriberId} for ${storyId}: ${JSON.stringify(Item ?? 'no delivery item')}`);
    }
    print(
      `load-exactly-once: ${exact ? 'PASS' : 'FAIL'}${open > 0 ? ' (not drained: lost includes mail still queued)' : ''}`,
    );

    // The digest run, as an operator starts it, timed to its last accepted message.
    const before = outbox.messages.length;
    const startedAt = Date.now();
    const summary = await tidings(['digest', 'run', '--now'], env);
    const queued = Number(/Queued (\d+) digest/.exec(summary)?.[1] ?? Number.NaN);
    await drained(outbox, db, Date.now() + drainMs);
    const sent = outbox.messages.slice(before).filter((m) => m.kind === 'digest');
    const lastDigest = Math.max(...sent.map((m) => m.acceptedAt));
    print(
      `load-digest-run: ${((lastDigest - startedAt) / 1000).toFixed(1)} s for ${sent.length} of ${queued} queued digests (${summary.trim().split('\n')[0]})`,
    );
    const digestsTo = new Map<string, number>();
    for (const m of sent) digestsTo.set(m.to, (digestsTo.get(m.to) ?? 0) + 1);
    // Two of one delivery (the same Message-ID) is a repeated send; two deliveries would be a second digest.
    const sameDelivery = new Map<string, number>();
    for (const m of sent) sameDelivery.set(m.messageId, (sameDelivery.get(m.messageId) ?? 0) + 1);
    const repeated = [...sameDelivery.values()].filter((n) => n > 1).length;
    print(`load-digest-deliveries-sent-twice: ${repeated} (same Message-ID)`);
    const changed = new Set(everyone.filter((s) => s.changes.length > 0).map((s) => s.email));
    const twice = [...digestsTo].filter(([, n]) => n > 1).map(([to]) => to);
    if (twice.length > 0) {
      print(
        `# digests twice to ${twice.length} addresses, ${twice.filter((to) => changed.has(to)).length} of them changed in the run: ${twice.slice(0, 3).join(', ')}`,
      );
      // Their ledger entries and when each copy was accepted, to see how one delivery went out twice.
      for (const to of twice.slice(0, 3)) {
        const subscriberId = everyone.find((s) => s.email === to)?.id ?? '';
        const { Items = [] } = await db.send(
          new QueryCommand({
            TableName: TABLE,
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
    }
    const digestCheck = checkDigests(everyone, windows, digestsTo);
    const digestExact =
      digestCheck.lost === 0 && digestCheck.duplicated === 0 && digestCheck.unexpected === 0;
    ok &&= digestExact;
    print(
      `load-digest-exactly-once: ${digestExact ? 'PASS' : 'FAIL'} (${digestCheck.expected} expected, ${digestCheck.lost} lost, ${digestCheck.duplicated} duplicated, ${digestCheck.unexpected} unexpected, ${digestCheck.excluded} changed subscribers not predicted)`,
    );

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
