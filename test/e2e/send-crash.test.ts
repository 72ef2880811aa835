import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, projectRoot } from '../support/local-stack';
import { killHard, npmStartEnv, startNpmStart } from '../support/npm-start';

const SUBSCRIBERS = 500;
const children: ChildProcess[] = [];
let dataDir: string;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Messages in the outbox by recipient, read from the raw files' To header (parsing 500 MIME bodies is slow). */
async function recipients(outboxDir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const files = await readdir(outboxDir).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.eml'))) {
    const head = (await readFile(join(outboxDir, file), 'utf8')).split('\r\n\r\n')[0] ?? '';
    const to = /^To:\s*(?:.*<)?([^\s<>]+@[^\s<>]+)>?\s*$/m.exec(head)?.[1]?.toLowerCase();
    if (to) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

describe('kill -9 while an alert goes out to 500 subscribers', () => {
  it('after a restart on the same data every subscriber has the alert, with at most 5 duplicates', async () => {
    const started = await npmStartEnv('send-crash');
    dataDir = started.dataDir;
    const env: Record<string, string> = {
      ...started.env,
      TIDINGS_INGEST_KEY: 'crash-test-key',
      // Fast enough to finish in seconds; a claim of the killed stack goes stale after 3 s, and the
      // every-minute sweeper runs every second.
      TIDINGS_MAX_SEND_RATE: '1000',
      TIDINGS_CLAIM_TIMEOUT_SECONDS: '3',
      TIDINGS_SCHEDULE_MINUTE_MS: '1000',
    };
    const outboxDir = join(dataDir, 'outbox');
    const first = await startNpmStart(env, children);

    const csv = join(dataDir, 'readers.csv');
    const rows = Array.from({ length: SUBSCRIBERS }, (_, i) => `reader-${i}@example.com,Iran AND Iraq`);
    await writeFile(csv, `email,topics\n${rows.join('\n')}\n`);
    const imported = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [join(projectRoot, 'bin/tidings.js'), 'subscribers', 'import', csv, '--consented'],
        { cwd: dataDir, env: { ...process.env, ...env } },
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    expect(imported).toMatch(
      new RegExp(`^${SUBSCRIBERS} rows: ${SUBSCRIBERS} subscribers imported as active`),
    );

    const ingested = await fetch(`http://localhost:${env.PORT}/articles`, {
      method: 'POST',
      headers: { authorization: 'Bearer crash-test-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Iran and Iraq agree a border survey',
        text: 'Iran and Iraq agreed to survey the border together.',
      }),
    });
    expect(ingested.status).toBe(201);

    // Mid-flight: some mail is out, most is not.
    const before = await eventually(async () => {
      const sent = total(await recipients(outboxDir));
      return sent >= 20 ? sent : undefined;
    }, 120_000);
    await killHard(first);
    const atKill = total(await recipients(outboxDir));
    expect(atKill).toBeLessThan(SUBSCRIBERS);

    await startNpmStart(env, children);
    const counts = await eventually(async () => {
      const found = await recipients(outboxDir);
      return found.size === SUBSCRIBERS ? found : undefined;
    }, 180_000);
    // Let anything still in flight land before counting duplicates.
    await new Promise((r) => setTimeout(r, 4000));
    const final = await recipients(outboxDir);
    const duplicates = total(final) - final.size;
    console.log(`send-crash: ${before} sent when polled, ${atKill} at the kill, ${duplicates} duplicates`);
    expect(counts.size).toBe(SUBSCRIBERS);
    expect(final.size).toBe(SUBSCRIBERS);
    expect(duplicates).toBeLessThanOrEqual(5);
  }, 420_000);
});
