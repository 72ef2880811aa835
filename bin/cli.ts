/**
 * `npx tidings <command>`: operator and user commands. It reads the same variables as `npm start`
 * (PORT, DYNAMODB_PORT, SES_PORT, TIDINGS_*) and works against the running local stack; the subscribers
 * and dlq commands work against a deployed stack instead when TABLE_NAME is set (and DYNAMODB_PORT is not).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { makeStreamRecords } from '../lib/adapters/dynamo/stream-records';
import { lambdaFunctionRunner } from '../lib/adapters/lambda/lambda-function-runner';
import { sqsDeadLetterSource } from '../lib/adapters/sqs/failure-queues';
import { describeDigestRun } from '../lib/cli/digest-command';
import { runDigestsCommand } from '../lib/cli/digests-command';
import { type DlqCommandOptions, runDlqList, runDlqReplay } from '../lib/cli/dlq-command';
import { runIngestCommand } from '../lib/cli/ingest-command';
import { parseTypeOption, TYPE_OPTION_VALUES } from '../lib/cli/ingest-inputs';
import { runMatchCommand } from '../lib/cli/match-command';
import { runPreviewCommand } from '../lib/cli/preview-command';
import { runExportCommand, runImportCommand } from '../lib/cli/subscribers-command';
import { cliTable, digestsCommand, dlqCommand, subscribersCommand } from '../lib/compose/cli';
import { loadMaxTopics } from '../lib/config';
import { localDeadLetterSource } from '../lib/dead-letters/local-source';
import {
  functionEnvironment,
  localSuppressionSalt,
  localTokenSecret,
  readLocalSettings,
} from '../lib/local/local-env';
import { localFunctionRunner } from '../lib/local/local-function-runner';
import { parseRunInstant } from '../lib/subscriptions/digest-schedule';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage:
  tidings digest run [--now] [--at ISO-INSTANT]    queue the digests due (--now: every daily and weekly
                                                   subscriber; --at: as if the clock read that instant)
  tidings digests status|resume|pause --reason TEXT
                                                   whether the reputation guard paused digests, and
                                                   resume (or pause) them by hand
  tidings ingest <FILE|DIR|-> [--type TYPE] [--url BASE] [--key KEY] [--report FILE.jsonl]
                                                   send stories to POST /articles: a file, every file of a
                                                   directory, or stdin (-); the type from the extension or
                                                   the text unless --type (wire, json, rss, atom, html);
                                                   the local stack unless --url (key: --key or
                                                   TIDINGS_INGEST_KEY)
  tidings match --queries Q.jsonl --articles A.jsonl  print one JSON line per (query, article) match
  tidings subscribers import FILE.csv [--consented] [--errors REPORT.csv]
                                                   import subscribers (pending, each sent a confirmation
                                                   email; --consented: active at once)
  tidings subscribers export [--out FILE.csv]      write every active subscriber as CSV (stdout without --out)
  tidings dlq list [--json] [--queue URL]...       every dead letter: when, which function, what it
                                                   concerns, whether that work is still outstanding (read
                                                   from the table) and why it gave up
  tidings dlq replay [--dry-run] [--queue URL]...  re-queue the outstanding work of every dead letter not
                                                   replayed yet, from the table (nothing is sent twice);
                                                   locally .tidings/dead-letters.jsonl, on AWS (TABLE_NAME
                                                   set) the failure queues: --queue or TIDINGS_DLQ_URLS
  tidings preview [confirm|alert|digest] [--data DATA.json] [--out DIR]
                                                   write each email's HTML, text and a PNG screenshot
                                                   (built-in sample data unless --data; DIR: email-preview)`;

const startTheStack = (endpoint: string) =>
  `Nothing answers at ${endpoint}: start the local stack first with "npm start".`;

async function digestRun(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { now: { type: 'boolean', default: false }, at: { type: 'string' } },
  });
  if (values.at !== undefined) {
    try {
      parseRunInstant(values.at);
    } catch (error) {
      console.error(`--at: ${(error as Error).message}`);
      return 2;
    }
  }
  const settings = readLocalSettings(process.env, projectRoot);
  const dynamodb = `http://127.0.0.1:${settings.dynamodbPort}`;
  const env = functionEnvironment(
    settings,
    { dynamodb, ses: `http://127.0.0.1:${settings.sesPort}` },
    localTokenSecret(process.env, settings.dataDir),
    localSuppressionSalt(process.env, settings.dataDir),
  );
  // The function's JSON log is for CloudWatch: here only its warnings and errors show, on stderr, and the
  // summary below is what the operator reads.
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' });
  try {
    await fetch(dynamodb, { method: 'POST' });
  } catch {
    console.error(startTheStack(dynamodb));
    return 1;
  }
  const { handler } = await import('../functions/digest');
  const summary = await handler({ force: values.now, ...(values.at !== undefined && { at: values.at }) });
  console.log(describeDigestRun(summary));
  return summary.failed > 0 ? 1 : 0;
}

async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) console.error('Reading the story from the terminal; end it with Ctrl-D.');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const INGEST_OPTIONS = {
  type: { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  report: { type: 'string' },
} as const;

async function ingest(argv: string[]): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof INGEST_OPTIONS }>
  >;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: INGEST_OPTIONS });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    console.error(`ingest needs one file, directory or - (stdin).\n${USAGE}`);
    return 2;
  }
  const type = values.type === undefined ? undefined : parseTypeOption(values.type);
  if (values.type !== undefined && !type) {
    console.error(`--type: "${values.type}" is not a type ingest sends; use ${TYPE_OPTION_VALUES}.`);
    return 2;
  }
  let target: { baseUrl: string; key: string | undefined; unreachable: string };
  if (values.url === undefined) {
    const settings = readLocalSettings(process.env, projectRoot);
    const baseUrl = `http://127.0.0.1:${settings.port}`;
    target = { baseUrl, key: values.key ?? settings.ingestKey, unreachable: startTheStack(baseUrl) };
  } else {
    if (!URL.canParse(values.url) || !/^https?:$/.test(new URL(values.url).protocol)) {
      console.error(`--url: "${values.url}" is not an http(s) address such as the stack's ApiUrl output.`);
      return 2;
    }
    const key = values.key ?? (process.env.TIDINGS_INGEST_KEY || undefined);
    target = { baseUrl: values.url, key, unreachable: `Nothing answers at ${values.url}.` };
  }
  if (!target.key) {
    console.error("--url needs the API's ingest key: pass --key or set TIDINGS_INGEST_KEY.");
    return 2;
  }
  return runIngestCommand({
    input: positionals[0] as string,
    ...(type && { type }),
    baseUrl: target.baseUrl,
    key: target.key,
    unreachable: target.unreachable,
    ...(values.report !== undefined && { reportPath: values.report }),
    readStdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

async function match(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { queries: { type: 'string' }, articles: { type: 'string' } },
  });
  if (!values.queries || !values.articles) {
    console.error(`match needs --queries and --articles.\n${USAGE}`);
    return 2;
  }
  return runMatchCommand({
    queriesPath: values.queries,
    articlesPath: values.articles,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

/** The table the subscribers commands work on, once it answers; undefined (and said why) when it does not. */
async function subscribersTable() {
  const table = cliTable(process.env, projectRoot);
  if (table.localEndpoint) {
    try {
      await fetch(table.localEndpoint, { method: 'POST' });
    } catch {
      console.error(startTheStack(table.localEndpoint));
      return undefined;
    }
  } else console.error(`Working on the deployed table ${table.tableName}.`);
  return table;
}

/**
 * The suppression list's salt: the local stack's, or for a deployed table the stack's secret, which the
 * operator passes in (a made-up one would hash every address differently and check nothing).
 */
function suppressionSalt(local: boolean): string | undefined {
  if (local) return localSuppressionSalt(process.env, readLocalSettings(process.env, projectRoot).dataDir);
  const salt = process.env.TIDINGS_SUPPRESSION_SALT;
  if (!salt)
    console.error(
      "Set TIDINGS_SUPPRESSION_SALT to the stack's suppression salt secret to import into a deployed table.",
    );
  return salt || undefined;
}

async function subscribers(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'import') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { consented: { type: 'boolean', default: false }, errors: { type: 'string' } },
    });
    if (positionals.length !== 1) {
      console.error(`subscribers import needs one CSV file.\n${USAGE}`);
      return 2;
    }
    const maxTopics = loadMaxTopics();
    const table = await subscribersTable();
    if (!table) return 1;
    const salt = suppressionSalt(table.localEndpoint !== undefined);
    if (!salt) return 1;
    return runImportCommand({
      path: positionals[0] as string,
      consented: values.consented,
      errorsPath: values.errors,
      maxTopics,
      importSubscribers: subscribersCommand(table.db, table.tableName, salt).importSubscribers,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  }
  if (action === 'export') {
    const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
    const table = await subscribersTable();
    if (!table) return 1;
    return runExportCommand({
      subscribers: subscribersCommand(table.db, table.tableName, '').subscribers,
      out: values.out,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  }
  console.error(`Unknown command "subscribers ${argv.join(' ')}".\n${USAGE}`);
  return 2;
}

async function digests(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  let reason: string | undefined;
  try {
    ({
      values: { reason },
    } = parseArgs({ args: rest, options: { reason: { type: 'string' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const table = await subscribersTable();
  if (!table) return 1;
  return runDigestsCommand({
    action,
    reason,
    operator: process.env.USER || 'unknown',
    guard: digestsCommand(table.db, table.tableName),
    now: new Date(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

/**
 * `dlq list` and `dlq replay`: locally on `.tidings/dead-letters.jsonl`, a function replay needs (a feedback
 * event, a scheduled run, a fan-out chunk) run in this process with the stack's settings; on AWS on the
 * failure queues, stream pointers read from the stream, with the operator's credentials.
 */
async function dlq(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'list' && action !== 'replay') {
    console.error(`Unknown command "dlq ${argv.join(' ')}".\n${USAGE}`);
    return 2;
  }
  let values: { json?: boolean; 'dry-run'?: boolean; queue?: string[] };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        queue: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const wrong = action === 'list' ? values['dry-run'] && '--dry-run' : values.json && '--json';
  if (wrong) {
    console.error(`dlq ${action} takes no ${wrong}.\n${USAGE}`);
    return 2;
  }
  const deployed = Boolean(process.env.TABLE_NAME) && !process.env.DYNAMODB_PORT;
  let options: DlqCommandOptions;
  if (deployed) {
    const queueUrls = values.queue ?? (process.env.TIDINGS_DLQ_URLS ?? '').split(',').filter(Boolean);
    if (queueUrls.length === 0) {
      console.error(
        `dlq on AWS needs the failure queues: --queue URL (repeatable) or TIDINGS_DLQ_URLS, the stack's FailureQueueUrls output.\n${USAGE}`,
      );
      return 2;
    }
    const table = await subscribersTable();
    if (!table) return 1;
    options = {
      source: sqsDeadLetterSource(new SQSClient({}), queueUrls),
      replayer: dlqCommand(table.db, table.tableName, {
        stream: makeStreamRecords(new DynamoDBStreamsClient({})),
        run: lambdaFunctionRunner(new LambdaClient({})),
      }),
      stdout: process.stdout,
      stderr: process.stderr,
    };
  } else {
    if (values.queue) {
      console.error(`--queue is for a deployed stack (TABLE_NAME set, DYNAMODB_PORT not).\n${USAGE}`);
      return 2;
    }
    const settings = readLocalSettings(process.env, projectRoot);
    const env = functionEnvironment(
      settings,
      { dynamodb: `http://127.0.0.1:${settings.dynamodbPort}`, ses: `http://127.0.0.1:${settings.sesPort}` },
      localTokenSecret(process.env, settings.dataDir),
      localSuppressionSalt(process.env, settings.dataDir),
    );
    // A replay that runs a function in this process: its log shows only warnings and errors, on stderr.
    Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' });
    const table = await subscribersTable();
    if (!table) return 1;
    options = {
      source: localDeadLetterSource(resolve(settings.dataDir, 'dead-letters.jsonl'), process.stderr),
      replayer: dlqCommand(table.db, table.tableName, { run: localFunctionRunner(projectRoot) }),
      stdout: process.stdout,
      stderr: process.stderr,
    };
  }
  if (action === 'list') return runDlqList({ ...options, json: values.json ?? false });
  return runDlqReplay({ ...options, dryRun: values['dry-run'] ?? false, now: () => new Date() });
}

async function preview(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { data: { type: 'string' }, out: { type: 'string', default: 'email-preview' } },
  });
  if (positionals.length > 1) {
    console.error(`preview takes at most one template name.\n${USAGE}`);
    return 2;
  }
  return runPreviewCommand({
    template: positionals[0],
    dataPath: values.data,
    outDir: resolve(values.out),
    chromiumPath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'digest' && sub === 'run') return digestRun(rest);
  if (command === 'digests') return digests(sub === undefined ? [] : [sub, ...rest]);
  if (command === 'ingest') return ingest(sub === undefined ? [] : [sub, ...rest]);
  if (command === 'match') return match(sub === undefined ? [] : [sub, ...rest]);
  if (command === 'subscribers') return subscribers(sub === undefined ? [] : [sub, ...rest]);
  if (command === 'dlq') return dlq(sub === undefined ? [] : [sub, ...rest]);
  if (command === 'preview') return preview(sub === undefined ? [] : [sub, ...rest]);
  console.error(command ? `Unknown command "${argv.join(' ')}".\n${USAGE}` : USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  return 1;
});
