import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { crashTestEnv, importReaders, ingestMatchingStory } from '../support/crash-run';
import { eventually } from '../support/local-stack';
import { killHard, startNpmStart } from '../support/npm-start';
import { recipients, total } from '../support/outbox-counts';

const SUBSCRIBERS = 500;
const children: ChildProcess[] = [];
const dataDirs: string[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

/** Waits until every reader has a message, then long enough for a stale claim to be swept and resent. */
async function afterTheSweeper(outboxDir: string, readers: number) {
  await eventually(async () => ((await recipients(outboxDir)).size === readers ? true : undefined), 180_000);
  // Claims go stale after 3 s and the sweeper runs every second: anything it would resend is out by now.
  await new Promise((r) => setTimeout(r, 5000));
  const final = await recipients(outboxDir);
  return { final, duplicates: total(final) - final.size };
}

describe('kill -9 while an alert goes out to 500 subscribers', () => {
  it('after a restart on the same data every subscriber has the alert exactly once', async () => {
    const { dataDir, env, outboxDir } = await crashTestEnv('send-crash');
    dataDirs.push(dataDir);
    const first = await startNpmStart(env, children);
    expect(await importReaders(env, dataDir, SUBSCRIBERS)).toMatch(
      new RegExp(`^${SUBSCRIBERS} rows: ${SUBSCRIBERS} subscribers imported as active`),
    );
    expect(await ingestMatchingStory(env)).toBe(201);

    // Mid-flight: some mail is out, most is not.
    const before = await eventually(async () => {
      const sent = total(await recipients(outboxDir));
      return sent >= 20 ? sent : undefined;
    }, 120_000);
    await killHard(first);
    const atKill = total(await recipients(outboxDir));
    expect(atKill).toBeLessThan(SUBSCRIBERS);

    await startNpmStart(env, children);
    const { final, duplicates } = await afterTheSweeper(outboxDir, SUBSCRIBERS);
    console.log(`send-crash: ${before} sent when polled, ${atKill} at the kill, ${duplicates} duplicates`);
    expect(final.size).toBe(SUBSCRIBERS);
    expect(duplicates).toBe(0);
  }, 420_000);
});
