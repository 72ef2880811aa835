import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable } from '../support/dynamo';
import { eventually, mailFor, projectRoot, startTestStack, type TestStack } from '../support/local-stack';
import { tidingsCli } from '../support/tidings-cli';

let stack: TestStack;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack();
  dir = await mkdtemp(join(tmpdir(), 'tidings-subscribers-cli-'));
});

afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

const tidings = (args: string[], env: Record<string, string> = {}) =>
  tidingsCli(stack, args, { cwd: dir, env });

const fixture = (name: string) => readFile(join(projectRoot, 'test/fixtures/wire', name), 'utf8');

describe('tidings subscribers, against the running local stack', () => {
  it('imports pending subscribers, each mailed one confirmation, and a second run mails nobody', async () => {
    const file = join(dir, 'newsletter.csv');
    await writeFile(
      file,
      'email,topics,frequency\nann@example.com,Iran AND Iraq,instant\nbo@example.com,Gaza;Basra,daily\n',
    );
    const first = await tidings(['subscribers', 'import', 'newsletter.csv']);
    expect(first.stdout).toBe(
      '2 rows: 2 subscribers imported, 0 already present, 2 confirmation emails queued, 0 rows rejected.\n',
    );
    // Not a terminal: no progress bar, nothing else.
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const address of ['ann@example.com', 'bo@example.com']) {
      const [confirmation] = await eventually(async () => {
        const mail = await mailFor(stack.outboxDir, address);
        return mail.length > 0 ? mail : undefined;
      });
      expect(confirmation?.mail.subject).toMatch(/confirm/i);
    }

    const second = await tidings(['subscribers', 'import', 'newsletter.csv']);
    expect(second.stdout).toMatch(
      /0 subscribers imported, 2 already present \(2 pending\), 0 confirmation emails/,
    );
    await stack.whenIdle();
    expect(await mailFor(stack.outboxDir, 'ann@example.com')).toHaveLength(1);
    expect(await mailFor(stack.outboxDir, 'bo@example.com')).toHaveLength(1);
  }, 60_000);

  it('imports --consented subscribers active at once: the next matching article is alerted to them', async () => {
    const file = join(dir, 'consented.csv');
    await writeFile(file, 'email,topics\ncy@example.com,Iran AND Iraq\ndi@example.com,harbour festival\n');
    const run = await tidings([
      'subscribers',
      'import',
      file,
      '--consented',
      '--errors',
      join(dir, 'report.csv'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^2 rows: 2 subscribers imported as active/);
    expect(await readFile(join(dir, 'report.csv'), 'utf8')).toBe('line,email,reason\r\n');

    expect((await stack.ingest(await fixture('basra-water-accord.txt'))).status).toBe(201);
    const [alert] = await eventually(async () => {
      const mail = await mailFor(stack.outboxDir, 'cy@example.com');
      return mail.length > 0 ? mail : undefined;
    });
    expect(alert?.mail.subject).toContain('Iran and Iraq signed a water-sharing accord');
    await stack.whenIdle();
    // No confirmation email, and nothing for the topic the article does not match.
    expect(await mailFor(stack.outboxDir, 'cy@example.com')).toHaveLength(1);
    expect(await mailFor(stack.outboxDir, 'di@example.com')).toHaveLength(0);
  }, 60_000);

  it('exports the active subscribers, and a fresh table that imports the export exports the same', async () => {
    const exported = await tidings(['subscribers', 'export']);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe('Exported 2 active subscribers in 2 rows.\n');
    const rows = exported.stdout.trimEnd().split('\r\n');
    // The pending subscribers of the first import have not confirmed: they are not exported.
    expect(rows.sort()).toEqual([
      'cy@example.com,Iran AND Iraq,instant,UTC,7,monday',
      'di@example.com,harbour festival,instant,UTC,7,monday',
      'email,topics,frequency,timezone,digestHour,digestWeekday',
    ]);
    await writeFile(join(dir, 'export.csv'), exported.stdout);

    const fresh = await startTestTable('tidings-copy');
    try {
      const port = new URL(fresh.clientConfig.endpoint).port;
      const elsewhere = { DYNAMODB_PORT: port, TABLE_NAME: 'tidings-copy' };
      const imported = await tidings(['subscribers', 'import', 'export.csv', '--consented'], elsewhere);
      expect(imported.stdout).toMatch(/^2 rows: 2 subscribers imported as active, 0 already present/);
      await tidings(['subscribers', 'export', '--out', 'copy.csv'], elsewhere);
      // Rows come shard by shard, and the copy's subscribers have ids (so shards) of their own.
      const copy = (await readFile(join(dir, 'copy.csv'), 'utf8')).trimEnd().split('\r\n');
      expect(copy.sort()).toEqual(rows);
    } finally {
      await fresh.stop();
    }
  }, 60_000);

  it('refuses to run without a file, and says to start the stack when nothing answers', async () => {
    const missing = await tidings(['subscribers', 'import']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/subscribers import needs one CSV file/);
    const stopped = await tidings(['subscribers', 'export'], { DYNAMODB_PORT: '9' });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/start the local stack first with "npm start"/);
  });
});
