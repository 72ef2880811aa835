import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { parseDelivery } from '../../lib/sending/parse-delivery';
import { eventually, mailFor, startTestStack, type TestStack } from '../support/local-stack';
import { seedSubscribers } from '../support/subscribers';
import { tidingsCli } from '../support/tidings-cli';

/**
 * The fault: while a subscriber id is in this set, the send function throws on their deliveries before it
 * claims them, on every attempt, as a sender whose table or relay is down would. Injected here, around the
 * composed use case, so no production code carries a switch for it.
 */
const fault = vi.hoisted(() => ({ failing: new Set<string>(), sweepDown: false }));
vi.mock('../../lib/compose/send', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/compose/send')>();
  return {
    ...actual,
    sendDelivery: async () => {
      const send = await actual.sendDelivery();
      return async (delivery: ReturnType<typeof parseDelivery>) => {
        if (fault.failing.has(delivery.subscriberId)) throw new Error('injected: the mail relay is down');
        return send(delivery);
      };
    },
  };
});

/** The same for the sweep function's scheduled run: it throws while `sweepDown` is set. */
vi.mock('../../lib/compose/sweep', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/compose/sweep')>();
  return {
    ...actual,
    sweepDeliveries: () => {
      const sweep = actual.sweepDeliveries();
      return async () => {
        if (fault.sweepDown) throw new Error('injected: the sweep index is unreachable');
        return sweep();
      };
    },
  };
});

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const tidings = (args: string[]) => tidingsCli(stack, args);

describe('a delivery that gave up, replayed with tidings dlq', () => {
  it('is listed outstanding, sent exactly once by replay, then listed done and never re-queued again', async () => {
    const [id] = await seedSubscribers(stack.dynamodbUrl, stack.env.TABLE_NAME as string, {
      prefix: 'dlq',
      count: 1,
      query: 'Iran AND Iraq',
    });
    const address = `${id}@example.com`;
    fault.failing.add(id as string);
    const ingested = await stack.ingest({
      title: 'Iran and Iraq agree a border survey',
      text: 'Iran and Iraq agreed to survey the border together.',
    });
    expect(ingested.status).toBe(201);

    const deadLetters = join(stack.dataDir, 'dead-letters.jsonl');
    const line = await eventually(async () => {
      const text = await readFile(deadLetters, 'utf8').catch(() => '');
      return text.includes('"function":"send"') ? text : undefined;
    }, 60_000);
    // The batch reported the record as failed (the error itself is in the function's log).
    expect(line).toContain('the handler reported the record as failed');
    expect(await mailFor(stack.outboxDir, address)).toHaveLength(0);

    const listed = await tidings(['dlq', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^\\S+Z  send  delivery ${id}/\\S+  outstanding \\(queued\\)  the handler reported the record as failed\\n$`,
      ),
    );

    fault.failing.clear();
    const replayed = await tidings(['dlq', 'replay']);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(new RegExp(`^requeued delivery ${id}/\\S+ \\(queued\\)\\n$`));
    expect(replayed.stderr).toMatch(
      /^1 dead letter not replayed before in \S+dead-letters\.jsonl: re-queued 1, 0 done/m,
    );
    await eventually(async () => ((await mailFor(stack.outboxDir, address)).length > 0 ? true : undefined));
    await stack.whenIdle();

    const again = await tidings(['dlq', 'replay']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^0 dead letters not replayed before in \S+: re-queued 0/m);

    const after = await tidings(['dlq', 'list', '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ function: 'send', state: 'done', notes: ['sent'] });
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, address)).toHaveLength(1);
  }, 120_000);

  it('replays a scheduled run that threw by running the function once, and only once', async () => {
    fault.sweepDown = true;
    await stack.runSchedule('sweep');
    fault.sweepDown = false;
    const listed = await tidings(['dlq', 'list']);
    expect(listed.stdout.split('\n')[1]).toMatch(
      /^\S+Z {2}sweep {2}scheduled run of sweep {2}outstanding \(not replayed\) {2}injected: the sweep index is unreachable$/,
    );
    const dry = await tidings(['dlq', 'replay', '--dry-run']);
    expect(dry.stdout).toBe('would re-queue scheduled run of sweep (outstanding)\n');
    const replayed = await tidings(['dlq', 'replay']);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe('requeued scheduled run of sweep (not replayed)\n');
    expect((await tidings(['dlq', 'replay'])).stdout).toBe('');
    const after = (await tidings(['dlq', 'list', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(after.map((l: { function: string; state: string }) => [l.function, l.state])).toEqual([
      ['send', 'done'],
      ['sweep', 'done'],
    ]);
  }, 60_000);

  it('answers a wrong subcommand or option with the usage and exit code 2', async () => {
    expect((await tidings(['dlq', 'drop'])).code).toBe(2);
    expect((await tidings(['dlq', 'replay', '--json'])).code).toBe(2);
  }, 30_000);
});
