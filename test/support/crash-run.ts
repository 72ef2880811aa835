import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from './local-stack';
import { npmStartEnv } from './npm-start';

const INGEST_KEY = 'crash-test-key';

/** `npm start`'s environment for a crash test: fast sending, claims stale after 3 s, a sweeper every second. */
export async function crashTestEnv(name: string) {
  const started = await npmStartEnv(name);
  const env: Record<string, string> = {
    ...started.env,
    TIDINGS_INGEST_KEY: INGEST_KEY,
    TIDINGS_MAX_SEND_RATE: '1000',
    TIDINGS_CLAIM_TIMEOUT_SECONDS: '3',
    TIDINGS_SCHEDULE_MINUTE_MS: '1000',
  };
  return { dataDir: started.dataDir, env, outboxDir: join(started.dataDir, 'outbox') };
}

/** Imports `count` consented readers of "Iran AND Iraq" through the CLI; resolves with its report. */
export async function importReaders(env: Record<string, string>, dataDir: string, count: number) {
  const csv = join(dataDir, 'readers.csv');
  const rows = Array.from({ length: count }, (_, i) => `reader-${i}@example.com,Iran AND Iraq`);
  await writeFile(csv, `email,topics\n${rows.join('\n')}\n`);
  return new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [join(projectRoot, 'bin/tidings.js'), 'subscribers', 'import', csv, '--consented'],
      { cwd: dataDir, env: { ...process.env, ...env } },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
    ),
  );
}

/** The story every reader's topic matches; resolves with the ingest status. */
export async function ingestMatchingStory(env: Record<string, string>): Promise<number> {
  const response = await fetch(`http://localhost:${env.PORT}/articles`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Iran and Iraq agree a border survey',
      text: 'Iran and Iraq agreed to survey the border together.',
    }),
  });
  return response.status;
}
