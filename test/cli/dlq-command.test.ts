import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDlqReplay } from '../../lib/cli/dlq-command';
import { localDeadLetterSource } from '../../lib/dead-letters/local-source';
import { type DeadLetterTable, makeReplayDeadLetters } from '../../lib/use-cases/replay-dead-letters';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidings-dlq-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function output() {
  let written = '';
  return {
    stream: {
      write: (chunk: string) => {
        written += chunk;
        return true;
      },
    } as NodeJS.WritableStream,
    text: () => written,
  };
}

const articleLine = (id: string) =>
  JSON.stringify({
    function: 'match',
    reason: 'boom',
    at: '2026-12-03T10:00:00.000Z',
    record: { dynamodb: { Keys: { pk: { S: `ARTICLE#${id}` }, sk: { S: 'ARTICLE' } } } },
  });

/** A table whose article touch fails for `broken`, as a throttled or unreachable table would. */
const table = (broken: string): DeadLetterTable => ({
  deliveryStatus: async () => undefined,
  requeueDelivery: async () => false,
  touchArticle: async (id) => {
    if (id === broken) throw new Error('ProvisionedThroughputExceededException');
    return true;
  },
  chunk: async () => undefined,
});

describe('tidings dlq replay on dead-letters.jsonl', () => {
  it('exits 1 when a replay throws, appends nothing for that letter and keeps every line', async () => {
    const path = join(dir, 'dead-letters.jsonl');
    const original = `${articleLine('a1')}\nnot json\n${articleLine('a2')}\n`;
    await writeFile(path, original);
    const run = (broken: string) => {
      const out = output();
      const err = output();
      const done = runDlqReplay({
        source: localDeadLetterSource(path, err.stream),
        replayer: makeReplayDeadLetters({ table: table(broken), clock: { now: () => new Date() } }),
        stdout: out.stream,
        stderr: err.stream,
        dryRun: false,
        now: () => new Date('2026-12-03T11:00:00.000Z'),
      });
      return done.then((code) => ({ code, out: out.text(), err: err.text() }));
    };

    const first = await run('a2');
    expect(first.code).toBe(1);
    expect(first.out).toBe('requeued article a1 (not replayed)\n');
    expect(first.err).toContain(`${path}:2: not a dead letter; left as it is.\n`);
    expect(first.err).toContain(
      'match dead letter 3: replay failed, try again: ProvisionedThroughputExceededException',
    );
    const afterFirst = await readFile(path, 'utf8');
    expect(afterFirst).toBe(
      `${original}${JSON.stringify({ replayOf: 1, at: '2026-12-03T11:00:00.000Z', outcome: 'requeued' })}\n`,
    );

    // Once the table answers again, only the letter that failed is replayed.
    const second = await run('none');
    expect(second.code).toBe(0);
    expect(second.out).toBe('requeued article a2 (not replayed)\n');
    expect((await readFile(path, 'utf8')).startsWith(afterFirst)).toBe(true);
    expect((await run('none')).out).toBe('');
  });
});
