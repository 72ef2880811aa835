import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoDeliveryStore } from '../../lib/adapters/dynamo/delivery-store';
import { makeDynamoSubscriberStore } from '../../lib/adapters/dynamo/subscriber-store';
import { describeDigestRun } from '../../lib/cli/digest-command';
import { ValidationError } from '../../lib/errors';
import { freePort } from '../../lib/local/free-port';
import type { MatchedTopic } from '../../lib/ports';
import type { DigestRunSummary } from '../../lib/use-cases/queue-digests';
import { startTestTable, viaApi } from '../support/dynamo';
import { projectRoot } from '../support/local-stack';

const summary = (counts: Partial<DigestRunSummary>): DigestRunSummary => ({
  at: '2026-11-28T07:05:00.000Z',
  forced: false,
  due: 0,
  queued: 0,
  nothingNew: 0,
  late: 0,
  paused: 0,
  failed: 0,
  ...counts,
});

describe('the digest run summary', () => {
  it('says why nothing was queued', () => {
    expect(describeDigestRun(summary({}))).toBe(
      'Queued 0 digests: nobody was due at 2026-11-28T07:05:00.000Z.',
    );
    expect(describeDigestRun(summary({ forced: true }))).toMatch(/nobody has a daily or weekly topic/);
    expect(describeDigestRun(summary({ due: 2, nothingNew: 2 }))).toBe(
      'Queued 0 digests for 2 subscribers due at 2026-11-28T07:05:00.000Z.\n' +
        '2 subscribers had nothing new since their last digest.',
    );
  });

  it('counts what it queued, and what it skipped or could not do', () => {
    const text = describeDigestRun(summary({ due: 5, queued: 1, late: 1, paused: 1, failed: 2 }));
    expect(text.split('\n')).toEqual([
      'Queued 1 digest for 5 subscribers due at 2026-11-28T07:05:00.000Z; the running stack sends them.',
      '1 subscriber was due more than a day ago: no stale digest, their stories wait for the next one.',
      '1 subscriber paused their mail.',
      '2 digests failed (logged with the subscriber id); they stay due and the next run tries again.',
    ]);
  });
});

let table: Awaited<ReturnType<typeof startTestTable>>;
let dir: string;
beforeAll(async () => {
  table = await startTestTable('tidings-digest-cli');
  dir = await mkdtemp(join(tmpdir(), 'tidings-digest-cli-'));
});
afterAll(async () => {
  await table?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function tidings(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    TIDINGS_DATA_DIR: dir,
    DYNAMODB_PORT: new URL(table.clientConfig.endpoint).port,
    SES_PORT: String(await freePort()),
    TABLE_NAME: table.tableName,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(projectRoot, 'bin/tidings.js'), ...args],
      { cwd: dir, env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the digest function', () => {
  it('refuses an event whose `at` is not an instant, with the reason', async () => {
    const { handler } = await import('../../functions/digest');
    await expect(handler({ at: 'next tuesday' })).rejects.toThrow(ValidationError);
    await expect(handler({ at: 'next tuesday' })).rejects.toThrow(
      /"next tuesday" is not an ISO-8601 instant/,
    );
  });
});

describe('tidings digest run', () => {
  it('refuses an --at that is not an instant, before touching anything', async () => {
    const { code, stderr } = await tidings(['digest', 'run', '--at', '2026-11-28 07:00']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--at: "2026-11-28 07:00" is not an ISO-8601 instant with its zone/);
  });

  it('runs as of --at and prints what it did, not the function’s log', async () => {
    const at = new Date('2026-11-27T09:00:00Z');
    const subscribers = makeDynamoSubscriberStore(table.db, table.tableName);
    await subscribers.create({
      id: 'cli-reader',
      email: 'cli-reader@example.com',
      status: 'pending',
      timezone: 'Europe/London',
      digestHour: 7,
      createdAt: at.toISOString(),
    });
    await subscribers.addTopics([
      {
        subscriberId: 'cli-reader',
        id: 't0',
        query: 'quokka',
        frequency: 'daily',
        status: 'pending',
        requestId: 'r1',
        createdAt: at.toISOString(),
      },
    ]);
    await subscribers.confirm('cli-reader', 'r1', at, viaApi);
    await makeDynamoDeliveryStore(table.db, table.tableName).holdForDigest(
      'cli-reader',
      'daily',
      {
        articleId: 'a1',
        topics: [{ topicId: 't0', query: 'quokka', terms: ['quokka'] } as unknown as MatchedTopic],
      },
      at,
    );

    const early = await tidings(['digest', 'run', '--at', '2026-11-28T06:59:00Z']);
    expect(early).toMatchObject({ code: 0, stderr: '' });
    expect(early.stdout).toBe('Queued 0 digests: nobody was due at 2026-11-28T06:59:00.000Z.\n');

    const due = await tidings(['digest', 'run', '--at', '2026-11-28T07:05:00Z']);
    expect(due.code).toBe(0);
    expect(due.stdout.split('\n')[0]).toBe(
      'Queued 1 digest for 1 subscriber due at 2026-11-28T07:05:00.000Z; the running stack sends them.',
    );
    expect(due.stdout).not.toMatch(/^\{/m);
  }, 60_000);
});
