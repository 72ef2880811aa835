/**
 * `npx tidings <command>`: operator and user commands. It reads the same variables as `npm start`
 * (PORT, DYNAMODB_PORT, SES_PORT, TIDINGS_*) and works against the running local stack.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runMatchCommand } from '../lib/cli/match-command';
import {
  functionEnvironment,
  localSuppressionSalt,
  localTokenSecret,
  readLocalSettings,
} from '../lib/local/local-env';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage:
  tidings digest run [--now]                       queue due digests (--now: every daily and weekly subscriber)
  tidings match --queries Q.jsonl --articles A.jsonl  print one JSON line per (query, article) match`;

async function digestRun(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { now: { type: 'boolean', default: false } } });
  const settings = readLocalSettings(process.env, projectRoot);
  const dynamodb = `http://127.0.0.1:${settings.dynamodbPort}`;
  const env = functionEnvironment(
    settings,
    { dynamodb, ses: `http://127.0.0.1:${settings.sesPort}` },
    localTokenSecret(process.env, settings.dataDir),
    localSuppressionSalt(process.env, settings.dataDir),
  );
  Object.assign(process.env, env);
  try {
    await fetch(dynamodb, { method: 'POST' });
  } catch {
    console.error(`Nothing answers at ${dynamodb}: start the local stack first with "npm start".`);
    return 1;
  }
  const { handler } = await import('../functions/digest');
  const result = await handler({ force: values.now });
  console.log(
    `Queued ${result.queued} digest${result.queued === 1 ? '' : 's'}; the running stack sends them.`,
  );
  return 0;
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

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'digest' && sub === 'run') return digestRun(rest);
  if (command === 'match') return match(sub === undefined ? [] : [sub, ...rest]);
  console.error(command ? `Unknown command "${argv.join(' ')}".\n${USAGE}` : USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  return 1;
});
