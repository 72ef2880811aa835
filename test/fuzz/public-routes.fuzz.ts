import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, linkIn, mailTo, outbox, startTestStack, type TestStack } from '../support/local-stack';
import { tidingsCli } from '../support/tidings-cli';
import { importFile } from './csv-import';
import { feeds, pages } from './entry-points/feeds-and-pages';
import { ingestEncodings, ingestFeed, ingestHtml, ingestJson, ingestText } from './entry-points/ingest';
import type { EntryPoint, FuzzContext } from './entry-points/request-parts';
import { preferences, subscribe, tokenRoutes } from './entry-points/subscribers';
import { transport } from './entry-points/transport';
import {
  FUZZ_RUNS,
  FUZZ_SEED,
  type FuzzOutcome,
  type FuzzRequest,
  judge,
  runAll,
  send,
  shrinkFailure,
  Tally,
  unsafeMarkup,
} from './harness';
import { sample } from './inputs';
import { type TokenSubjects, tokenMaker } from './tokens';

let stack: TestStack;
let dir: string;
let context: FuzzContext;
const tally = new Tally();
const secret = randomBytes(32).toString('hex');
/** Ids ingest answered with, to open their pages: what was stored from hostile input is shown there. */
const storedIds = new Set<string>();

type Subject = TokenSubjects['keeper'];

/** A confirmed subscriber with one topic, and the ids its tokens carry. */
async function confirmedSubscriber(email: string): Promise<Subject> {
  const response = await fetch(`${stack.apiUrl}/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, topics: ['Iran'], frequency: 'instant' }),
  });
  expect(response.status).toBe(202);
  const [mail] = await mailTo(stack.outboxDir, email, 1);
  const link = linkIn(mail?.mail.text ?? '', '/confirm');
  const token = new URL(link).searchParams.get('token') ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
  const confirmed = await fetch(`${stack.apiUrl}/confirm?token=${token}`, {
    method: 'POST',
    headers: { accept: 'application/json' },
  });
  expect(confirmed.status).toBe(200);
  const topic = await eventually(async () =>
    (await stack.items()).find(
      (item) => item.entity === 'topic' && item.subscriberId === claims.subscriberId,
    ),
  );
  return { subscriberId: claims.subscriberId, requestId: claims.requestId, topicId: String(topic.id) };
}

beforeAll(async () => {
  stack = await startTestStack({
    TIDINGS_TOKEN_SECRET: secret,
    TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE: '1000000',
    TIDINGS_DISPOSABLE_DOMAINS: 'mailinator.com',
  });
  dir = await mkdtemp(join(tmpdir(), 'tidings-fuzz-'));
  const keeper = await confirmedSubscriber('fuzz-keeper@example.com');
  const victim = await confirmedSubscriber('fuzz-victim@example.com');
  context = { ingestKey: stack.ingestKey, token: tokenMaker({ secret, keeper, victim }) };
  // The first article loads ingest's lazy modules and language models (seconds on this shared machine):
  // a cold start, not a hang, so it is taken before the clock of the first entry point starts.
  expect((await stack.ingest('Warm-up: Iran and Iraq agreed on water.')).status).toBe(201);
  await stack.whenIdle(60_000);
}, 180_000);

afterAll(async () => {
  console.log(tally.report());
  for (const failure of tally.failures.slice(0, 60))
    console.log(`fuzz failure: ${failure.entry} [${failure.label}] ${failure.failure}\n  ${failure.what}`);
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Where a 303 sends the browser, when it stays on this server: the page the input ends up on. */
function sameServerLocation(outcome: FuzzOutcome): string | undefined {
  const location = outcome.answer?.status === 303 ? outcome.answer.headers.location : undefined;
  if (!location) return undefined;
  const url = new URL(location, stack.apiUrl);
  return url.port === String(stack.ports.api) ? `${url.pathname}${url.search}` : undefined;
}

/** Follows a redirect once and keeps ids of stored articles, so the pages they lead to are judged too. */
async function followUp(outcome: FuzzOutcome): Promise<void> {
  const target = sameServerLocation(outcome);
  if (target) {
    const page: FuzzRequest = {
      method: 'GET',
      target,
      headers: [['Accept', 'text/html']],
      label: 'after a 303',
    };
    tally.record('redirect targets', await send(stack.ports.api, page));
  }
  if (outcome.answer && outcome.answer.status < 300 && outcome.request.target === '/articles') {
    try {
      const { articles } = JSON.parse(outcome.answer.body) as { articles?: { id?: string }[] };
      for (const { id } of articles ?? []) if (id) storedIds.add(id);
    } catch {
      // A feed's answer lists rejected items too; only ids matter here.
    }
  }
}

const ENTRY_POINTS: [string, EntryPoint][] = [
  ['POST /articles text/plain', ingestText],
  ['POST /articles JSON', ingestJson],
  ['POST /articles feeds', ingestFeed],
  ['POST /articles HTML', ingestHtml],
  ['POST /articles encodings', ingestEncodings],
  ['POST /subscriptions', subscribe],
  ['token routes', tokenRoutes],
  ['POST /preferences', preferences],
  ['feeds', feeds],
  ['pages', pages],
  ['transport', transport],
];

describe('hostile input: every answer is a clear 4xx or a safe stored value', () => {
  it.each(ENTRY_POINTS.map(([name, entry], i) => [name, entry, i] as const))(
    '%s',
    async (name, entry, index) => {
      const requests = sample(entry(context), FUZZ_RUNS, FUZZ_SEED + index);
      await runAll(stack.ports.api, name, requests, tally, followUp);
      const failures = tally.failures.filter((f) => f.entry === name || f.entry === 'redirect targets');
      const found = failures.map((f) => `[${f.label}] ${f.failure}\n${f.what}`);
      if (found.length > 0) {
        const shrunk = await shrinkFailure(entry(context), FUZZ_RUNS, FUZZ_SEED + index, (request) =>
          send(stack.ports.api, request),
        );
        found.push(`smallest: ${shrunk.line}`);
      }
      expect(found).toEqual([]);
    },
    600_000,
  );

  it('shows every stored article without the markup it came with', async () => {
    const requests: FuzzRequest[] = [...storedIds].slice(0, 300).map((id) => ({
      method: 'GET',
      target: `/articles/${id}`,
      headers: [['Accept', 'text/html']],
      label: 'stored article page',
    }));
    requests.push({
      method: 'GET',
      target: '/archive',
      headers: [['Accept', 'text/html']],
      label: 'archive',
    });
    const token = context.token({ kind: 'valid', purpose: 'preferences' });
    requests.push({
      method: 'GET',
      target: `/preferences?token=${token}`,
      headers: [['Accept', 'text/html']],
      label: 'preference centre',
    });
    const outcomes = await runAll(stack.ports.api, 'stored pages', requests, tally);
    expect(outcomes.filter((o) => o.failure).map((o) => `${o.request.target}: ${o.failure}`)).toEqual([]);
    const notShown = outcomes.filter((o) => o.answer?.status !== 200);
    expect(
      notShown.map((o) => `${o.request.target}: ${o.answer?.status} ${o.answer?.body.slice(0, 200)}`),
    ).toEqual([]);
  }, 300_000);

  it('imports hostile CSV files with a report, never a crash', async () => {
    const files = sample(importFile, Math.max(4, Math.round(FUZZ_RUNS / 25)), FUZZ_SEED + 100);
    for (const [i, bytes] of files.entries()) {
      const file = join(dir, `import-${i}.csv`);
      await writeFile(file, bytes);
      const run = await tidings(['subscribers', 'import', file]);
      tally.count('tidings subscribers import', `exit ${run.code}`);
      const what = `${bytes.length} bytes: ${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))}`;
      if (run.code !== 0 && run.code !== 1)
        tally.fail(
          'tidings subscribers import',
          'csv',
          what,
          `exit ${run.code}: ${run.stderr.slice(0, 300)}`,
        );
      else if (/\bat .*\.[tj]s:\d+/.test(run.stderr + run.stdout))
        tally.fail('tidings subscribers import', 'csv', what, `a stack trace: ${run.stderr.slice(0, 300)}`);
      else if (run.code === 1 && `${run.stderr}${run.stdout}`.trim() === '')
        tally.fail('tidings subscribers import', 'csv', what, 'exit 1 without a message');
    }
    expect(tally.failures.filter((f) => f.entry === 'tidings subscribers import')).toEqual([]);
  }, 600_000);

  it('sends mail with no header and no markup from the input', async () => {
    await stack.whenIdle(60_000);
    const mails = await outbox(stack.outboxDir);
    expect(mails.length).toBeGreaterThan(1);
    const problems: string[] = [];
    for (const { file, raw, mail } of mails) {
      const headerBlock = raw.slice(0, raw.search(/\r?\n\r?\n/));
      if (/^(x-fuzz-injected|bcc):/im.test(headerBlock)) problems.push(`${file}: an injected header`);
      if ([...mail.headers.keys()].some((key) => /fuzz|^bcc$/i.test(key)))
        problems.push(`${file}: an injected header`);
      const markup = typeof mail.html === 'string' ? unsafeMarkup(mail.html) : undefined;
      if (markup) problems.push(`${file}: ${markup}`);
    }
    tally.count('outbox', `${mails.length} messages`);
    expect(problems).toEqual([]);
  }, 120_000);

  it('keeps the local server up through all of it', async () => {
    const outcome = await send(stack.ports.api, { method: 'GET', target: '/health', label: 'health' });
    expect(judge(outcome.answer ?? { status: 0, headers: {}, body: '' })).toBeUndefined();
    expect(outcome.answer?.status).toBe(200);
  });
});

const tidings = (args: string[]) => tidingsCli(stack, args, { cwd: dir });
