import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoBulkSubscriberStore } from '../../lib/adapters/dynamo/bulk-subscriber-store';
import { makeDynamoDeliveryStore } from '../../lib/adapters/dynamo/delivery-store';
import type { TableClient } from '../../lib/adapters/dynamo/table-guard';
import { runExportCommand, runImportCommand } from '../../lib/cli/subscribers-command';
import { cliTable, subscribersCommand } from '../../lib/compose/cli';
import { ensureTable } from '../../lib/local/table-setup';
import { startTestTable, subscriberStoreAndIndex, viaApi } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
let dir: string;
let tables = 0;
beforeAll(async () => {
  table = await startTestTable();
  dir = await mkdtemp(join(tmpdir(), 'tidings-subscribers-'));
});
afterAll(async () => {
  await table?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A table of its own for one test, on the same DynamoDB Local, so its item counts are its own. */
async function freshTable(): Promise<string> {
  const name = `subscribers-${++tables}`;
  const raw = new DynamoDBClient(table.clientConfig);
  await ensureTable(raw, name);
  raw.destroy();
  return name;
}

function capture(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

async function csv(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\r\n')}\r\n`);
  return path;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: string[][];
}

async function importFile(
  tableName: string,
  path: string,
  options: {
    consented?: boolean;
    db?: TableClient;
    errorsPath?: string;
    tty?: boolean;
    maxTopics?: number;
  } = {},
): Promise<Run> {
  const stdout = capture();
  const stderr = capture(options.tty);
  const code = await runImportCommand({
    path,
    consented: options.consented ?? false,
    errorsPath: options.errorsPath,
    maxTopics: options.maxTopics ?? 3,
    importSubscribers: subscribersCommand(options.db ?? table.db, tableName, 'a-test-suppression-salt')
      .importSubscribers,
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  const reportText = await readFile(options.errorsPath ?? `${path}.errors.csv`, 'utf8').catch(() => '');
  const { parse } = await import('csv-parse/sync');
  return { code, stdout: stdout.text(), stderr: stderr.text(), report: parse(reportText) as string[][] };
}

async function items(tableName: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    found.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return found;
}

/** How many items of each kind the table holds. */
async function counts(tableName: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const item of await items(tableName)) {
    const kind = `${item.entity}${item.entity === 'topic' ? `:${item.status}` : ''}`;
    result[kind] = (result[kind] ?? 0) + 1;
  }
  return result;
}

const claimed = async (tableName: string) =>
  (await items(tableName))
    .filter((item) => item.entity === 'email')
    .map((item) => String(item.pk).slice('EMAIL#'.length))
    .sort();

const storesOf = (tableName: string) => ({
  subscribers: subscriberStoreAndIndex(table.db, tableName),
  bulk: makeDynamoBulkSubscriberStore(table.db, tableName),
  deliveries: makeDynamoDeliveryStore(table.db, tableName),
});

async function subscriberOf(tableName: string, email: string) {
  const { subscribers } = storesOf(tableName);
  const subscriber = await subscribers.findByEmail(email, new Date());
  if (!subscriber) throw new Error(`${email} is not a subscriber`);
  return subscriber;
}

/** Fails the `nth` command `matches` picks, as a dropped connection would; passes everything else. */
function failingAt(nth: number, matches: (command: unknown) => boolean): TableClient {
  let seen = 0;
  return {
    send: ((command: Parameters<TableClient['send']>[0]) => {
      if (matches(command) && ++seen === nth) {
        return Promise.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
      }
      return table.db.send(command);
    }) as TableClient['send'],
  };
}

const rowsOf = (count: number, from = 0) =>
  Array.from(
    { length: count },
    (_, i) =>
      `reader${from + i}@example.com,Basra water;reader${from + i},${['instant', 'daily', 'weekly'][i % 3]}`,
  );

describe('tidings subscribers import', () => {
  it('reads the columns in any order and gives missing ones the defaults', async () => {
    const name = await freshTable();
    const path = await csv('defaults.csv', [
      'Topics,EMAIL',
      'Iran AND Iraq;Gaza -football,Ann@Example.com',
      '',
      '"""Qassem Soleimani""",bo@example.com',
    ]);
    const run = await importFile(name, path, { consented: true });
    expect(run.stdout).toBe(
      '2 rows: 2 subscribers imported as active, 0 already present, 0 confirmation emails queued, 0 rows rejected.\n',
    );
    expect(run.code).toBe(0);
    expect(run.report).toEqual([['line', 'email', 'reason']]);
    const ann = await subscriberOf(name, 'ann@example.com');
    expect(ann).toMatchObject({ status: 'active', timezone: 'UTC', digestHour: 7, digestWeekday: 'monday' });
    const topics = await storesOf(name).subscribers.listTopics(ann.id);
    expect(topics.map((t) => [t.query, t.frequency, t.status]).sort()).toEqual([
      ['Gaza -football', 'instant', 'active'],
      ['Iran AND Iraq', 'instant', 'active'],
    ]);
  });

  it('reports each broken row with its line and reason, writes nothing for it, and imports the rest', async () => {
    const name = await freshTable();
    const path = await csv('broken.csv', [
      'email,topics,frequency,timezone,digestHour',
      'good1@example.com,Iran AND Iraq,daily,Europe/London,8',
      'not-an-address,Iran,,,',
      // A quoted address with a line break in it: header injection, split over two lines.
      '"victim@example.com',
      'Bcc: all@example.com",Iran,,,',
      '"eve@example.com\rBcc: all@example.com",Iran,,,',
      'bad-query@example.com,Iran AND (Iraq,,,',
      'bad-phrase@example.com,"""Qassem Soleimani",,,',
      'bad-hour@example.com,Iran,daily,UTC,25',
      'many@example.com,a1;a2;a3;a4,,,',
      'quotes@example.com,"Iran AND Iraq,,,',
      'good2@example.com,Gaza,weekly,Asia/Tokyo,',
    ]);
    const errorsPath = join(dir, 'broken-report.csv');
    const run = await importFile(name, path, { consented: true, errorsPath });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `11 rows: 2 subscribers imported as active, 0 already present, 0 confirmation emails queued, 9 rows rejected (see ${errorsPath}).\n`,
    );
    expect(run.report).toEqual([
      ['line', 'email', 'reason'],
      ['3', 'not-an-address', '"not-an-address" is not a valid email address.'],
      ['4', '', expect.stringMatching(/^Unbalanced quotes: a quoted field must end on the line it starts/)],
      ['5', '', expect.stringMatching(/^Unbalanced quotes/)],
      [
        '6',
        'eve@example.com\rBcc: all@example.com',
        expect.stringMatching(/invisible or control character \(U\+000D\)/),
      ],
      ['7', 'bad-query@example.com', 'Topic 1 ("Iran AND (Iraq"): Unbalanced parenthesis at column 10'],
      ['8', 'bad-phrase@example.com', expect.stringMatching(/^Topic 1 \("“?"?Qassem Soleimani"\): .*quot/i)],
      ['9', 'bad-hour@example.com', '"digestHour" must be a whole hour from 0 to 23.'],
      ['10', 'many@example.com', 'Give at most 3 topics.'],
      ['11', '', expect.stringMatching(/^Unbalanced quotes/)],
    ]);
    // Nothing of the broken rows is in the table: two claims, two subscribers, their own items only.
    expect(await claimed(name)).toEqual(['good1@example.com', 'good2@example.com']);
    expect(await counts(name)).toEqual({ email: 2, subscriber: 2, 'topic:active': 2, consent: 2 });
  });

  it('refuses a header with unknown columns, naming them, and writes nothing', async () => {
    const name = await freshTable();
    const path = await csv('unknown.csv', ['email,topics,plan,Name', 'ann@example.com,Iran,gold,Ann']);
    const run = await importFile(name, path, { consented: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${path} line 1: Unknown columns "plan", "Name" in the header row. The columns are email, topics, frequency, timezone, digestHour, digestWeekday.\n`,
    );
    expect(await items(name)).toEqual([]);
  });

  it('with --consented makes each address active with an import line in its ledger; a re-run changes nothing', async () => {
    const name = await freshTable();
    const { subscribers } = storesOf(name);
    const path = await csv('consented.csv', ['email,topics,frequency', ...rowsOf(5)]);
    const first = await importFile(name, path, { consented: true });
    expect(first.code).toBe(0);
    // Warm matchers find the imported topics where they look for changes.
    const changes = async () => {
      const found = [];
      for await (const change of subscribers.topicChangesSince('2000-01-01T00:00:00.000Z'))
        found.push(`${change.change} ${change.topic.topicId} ${change.at}`);
      return found.sort();
    };
    const imported = await changes();
    expect(imported).toHaveLength(10);
    expect(imported.every((change) => change.startsWith('activated '))).toBe(true);
    const reader = await subscriberOf(name, 'reader1@example.com');
    expect(await subscribers.consentHistory(reader.id)).toEqual([
      {
        at: reader.createdAt,
        action: 'confirmed',
        source: 'import',
        detail: 'imported as consented from consented.csv: Basra water; reader1',
      },
    ]);
    const active = [];
    for await (const topic of subscribers.listActiveTopics()) active.push(topic);
    expect(active).toHaveLength(10);
    const before = await counts(name);
    expect(before).toEqual({ email: 5, subscriber: 5, 'topic:active': 10, consent: 5 });

    const again = await importFile(name, path, { consented: true });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      '5 rows: 0 subscribers imported as active, 5 already present, 0 confirmation emails queued, 0 rows rejected.\n',
    );
    expect(await counts(name)).toEqual(before);
    expect(await changes()).toEqual(imported);
  });

  it('without --consented makes each address pending with one confirmation email; a re-run queues none', async () => {
    const name = await freshTable();
    const { subscribers, deliveries } = storesOf(name);
    const path = await csv('pending.csv', ['email,topics,frequency', ...rowsOf(4)]);
    const first = await importFile(name, path);
    expect(first.stdout).toBe(
      '4 rows: 4 subscribers imported, 0 already present, 4 confirmation emails queued, 0 rows rejected.\n',
    );
    const confirmations = async () => {
      const found: Record<string, number> = {};
      for (let i = 0; i < 4; i++) {
        const subscriber = await subscriberOf(name, `reader${i}@example.com`);
        expect(subscriber.status).toBe('pending');
        found[subscriber.email] = (await deliveries.history(subscriber.id)).filter(
          (d) => d.kind === 'confirm',
        ).length;
      }
      return found;
    };
    expect(Object.values(await confirmations())).toEqual([1, 1, 1, 1]);
    const reader = await subscriberOf(name, 'reader0@example.com');
    expect(await subscribers.consentHistory(reader.id)).toEqual([
      expect.objectContaining({ action: 'requested', source: 'import' }),
    ]);
    const before = await counts(name);

    const again = await importFile(name, path);
    expect(again.stdout).toBe(
      '4 rows: 0 subscribers imported, 4 already present (4 pending), 0 confirmation emails queued, 0 rows rejected.\n',
    );
    expect(Object.values(await confirmations())).toEqual([1, 1, 1, 1]);
    expect(await counts(name)).toEqual(before);
  });

  it('leaves an active subscriber as it is, and never subscribes an address that unsubscribed', async () => {
    const name = await freshTable();
    const { subscribers, deliveries } = storesOf(name);
    await importFile(
      name,
      await csv('first.csv', ['email,topics', 'kept@example.com,Iran', 'gone@example.com,Iraq']),
      {
        consented: true,
      },
    );
    const gone = await subscriberOf(name, 'gone@example.com');
    await subscribers.unsubscribe(gone.id, new Date(), viaApi);
    const before = await counts(name);

    const run = await importFile(
      name,
      await csv('second.csv', ['email,topics', 'kept@example.com,Gaza', 'gone@example.com,Gaza']),
    );
    expect(run.code).toBe(1);
    expect(run.report.slice(1)).toEqual([
      [
        '3',
        'gone@example.com',
        expect.stringMatching(/^The address unsubscribed on \d{4}-\d\d-\d\d; an import never/),
      ],
    ]);
    expect(run.stdout).toMatch(
      /0 subscribers imported, 1 already present, 0 confirmation emails queued, 1 row rejected/,
    );
    const kept = await subscriberOf(name, 'kept@example.com');
    expect(kept.status).toBe('active');
    expect((await subscribers.listTopics(kept.id)).map((t) => t.query)).toEqual(['Iran']);
    expect(await deliveries.history(kept.id)).toEqual([]);
    expect((await subscribers.get(gone.id))?.status).toBe('unsubscribed');
    expect(await counts(name)).toEqual(before);
  });

  it('finishes a consented import that crashed between two chunks, with nothing twice', async () => {
    const path = await csv('crash.csv', ['email,topics,frequency', ...rowsOf(250)]);
    const clean = await freshTable();
    await importFile(clean, path, { consented: true });
    const expected = await counts(clean);
    expect(expected).toEqual({ email: 250, subscriber: 250, 'topic:active': 500, consent: 250 });

    const name = await freshTable();
    // The second chunk's claims never reach the table; the other chunks run on, then the import stops.
    const crashed = await importFile(name, path, {
      consented: true,
      db: failingAt(2, (command) => command instanceof TransactWriteCommand),
    });
    expect(crashed.code).toBe(1);
    expect(crashed.stderr).toMatch(
      /^The import stopped before the end, \d+ addresses not reached: socket hang up\nRun the same command again/,
    );
    const claimedBefore = (await claimed(name)).length;
    expect(claimedBefore).toBeGreaterThanOrEqual(100);
    expect(claimedBefore).toBeLessThan(250);

    const rerun = await importFile(name, path, { consented: true });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toBe(
      `250 rows: ${250 - claimedBefore} subscribers imported as active, ${claimedBefore} already present, 0 confirmation emails queued, 0 rows rejected.\n`,
    );
    expect(await counts(name)).toEqual(expected);
  });

  it('finishes a consented import that crashed inside a chunk, after its claims, with nothing twice', async () => {
    const path = await csv('crash-inside.csv', ['email,topics,frequency', ...rowsOf(60)]);
    const name = await freshTable();
    // The claims and the topics are written, the profiles are not.
    const crashed = await importFile(name, path, {
      consented: true,
      db: failingAt(1, (command) => {
        const requests =
          command instanceof BatchWriteCommand ? Object.values(command.input.RequestItems ?? {}) : [];
        return requests.flat().some((r) => r.PutRequest?.Item?.sk === 'PROFILE');
      }),
    });
    expect(crashed.code).toBe(1);
    expect(await claimed(name)).toHaveLength(60);
    expect((await counts(name)).subscriber ?? 0).toBeLessThan(60);

    const rerun = await importFile(name, path, { consented: true });
    expect(rerun.code).toBe(0);
    expect(await counts(name)).toEqual({ email: 60, subscriber: 60, 'topic:active': 120, consent: 60 });
    const reader = await subscriberOf(name, 'reader7@example.com');
    expect(reader.status).toBe('active');
  });

  it('finishes an import without --consented that crashed between two rows: one confirmation each', async () => {
    const path = await csv('crash-pending.csv', [
      'email,topics',
      ...rowsOf(20).map((r) => r.replace(/,[a-z]+$/, '')),
    ]);
    const name = await freshTable();
    // The seventh address is never created (its claim and profile are one transaction).
    const crashed = await importFile(name, path, {
      db: failingAt(7, (command) => {
        const first = command instanceof TransactWriteCommand ? command.input.TransactItems?.[0] : undefined;
        return String(first?.Put?.Item?.pk ?? '').startsWith('EMAIL#');
      }),
    });
    expect(crashed.code).toBe(1);
    expect((await claimed(name)).length).toBeLessThan(20);

    const rerun = await importFile(name, path);
    expect(rerun.code).toBe(0);
    const { deliveries } = storesOf(name);
    for (let i = 0; i < 20; i++) {
      const subscriber = await subscriberOf(name, `reader${i}@example.com`);
      expect(
        (await deliveries.history(subscriber.id)).filter((d) => d.kind === 'confirm'),
        subscriber.email,
      ).toHaveLength(1);
    }
    expect(await counts(name)).toMatchObject({ email: 20, subscriber: 20, 'topic:pending': 40, consent: 20 });
  });

  it('draws a progress bar on a terminal and nothing on a pipe', async () => {
    const path = await csv('progress.csv', [
      'email,topics',
      ...rowsOf(30).map((r) => r.replace(/,[a-z]+$/, '')),
    ]);
    const onTerminal = await importFile(await freshTable(), path, { consented: true, tty: true });
    expect(onTerminal.stderr).toMatch(/Importing .* \d+\/30 addresses/);
    const onPipe = await importFile(await freshTable(), path, { consented: true, tty: false });
    expect(onPipe.stderr).toBe('');
    expect(onPipe.code).toBe(0);
  });
});

describe('tidings subscribers export', () => {
  async function exportTable(tableName: string, out?: string) {
    const stdout = capture();
    const stderr = capture();
    const code = await runExportCommand({
      subscribers: storesOf(tableName).bulk,
      out,
      stdout: stdout.stream,
      stderr: stderr.stream,
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  it('writes active subscribers only, one row per frequency, which import reads back as the same subscribers', async () => {
    const source = await freshTable();
    const path = await csv('mixed.csv', [
      'email,topics,frequency,timezone,digestHour,digestWeekday',
      'ann@example.com,Iran AND Iraq;Gaza -football,instant,Europe/London,18,friday',
      'ann@example.com,"""Qassem Soleimani"";title:oil",daily,Europe/London,18,friday',
      'ann@example.com,-football AND Basra,weekly,Europe/London,18,friday',
      'bo@example.com,Kyiv,daily,Asia/Tokyo,6,',
    ]);
    expect((await importFile(source, path, { consented: true, maxTopics: 25 })).code).toBe(0);
    // Neither a pending subscriber nor one who left is exported.
    await importFile(source, await csv('pending-one.csv', ['email,topics', 'cy@example.com,Iran']));
    await importFile(source, await csv('leaving.csv', ['email,topics', 'di@example.com,Iran']), {
      consented: true,
    });
    await storesOf(source).subscribers.unsubscribe(
      (await subscriberOf(source, 'di@example.com')).id,
      new Date(),
      viaApi,
    );

    const out = join(dir, 'export.csv');
    const exported = await exportTable(source, out);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe(`Exported 2 active subscribers in 4 rows to ${out}.\n`);
    const text = await readFile(out, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,topics,frequency,timezone,digestHour,digestWeekday');
    expect(lines.slice(1).sort()).toEqual([
      'ann@example.com,"""Qassem Soleimani"";title:oil",daily,Europe/London,18,friday',
      "ann@example.com,'-football AND Basra,weekly,Europe/London,18,friday",
      'ann@example.com,Gaza -football;Iran AND Iraq,instant,Europe/London,18,friday',
      'bo@example.com,Kyiv,daily,Asia/Tokyo,6,monday',
    ]);
    // Without --out, the same CSV on stdout and the summary on stderr.
    expect((await exportTable(source)).stdout).toBe(text);

    const copy = await freshTable();
    const reimported = await importFile(copy, out, { consented: true, maxTopics: 25 });
    expect(reimported.stdout).toMatch(/^4 rows: 2 subscribers imported as active, .* 0 rows rejected\.\n$/);
    const again = join(dir, 'export-again.csv');
    await exportTable(copy, again);
    const sorted = (file: string) => file.trimEnd().split('\r\n').sort();
    expect(sorted(await readFile(again, 'utf8'))).toEqual(sorted(text));
  });
});

describe('the table the subscribers commands work on', () => {
  it("is the local stack's unless TABLE_NAME names a deployed one and no DYNAMODB_PORT is set", () => {
    const local = cliTable({ DYNAMODB_PORT: '8123' }, '/tmp');
    expect([local.localEndpoint, local.tableName]).toEqual(['http://127.0.0.1:8123', 'tidings']);
    expect(cliTable({}, '/tmp').localEndpoint).toBe('http://127.0.0.1:8000');
    const renamedLocal = cliTable({ TABLE_NAME: 'other', DYNAMODB_PORT: '8123' }, '/tmp');
    expect([renamedLocal.localEndpoint, renamedLocal.tableName]).toEqual(['http://127.0.0.1:8123', 'other']);
    const deployed = cliTable({ TABLE_NAME: 'Tidings-TableCD117FA1-XYZ' }, '/tmp');
    expect([deployed.localEndpoint, deployed.tableName]).toEqual([undefined, 'Tidings-TableCD117FA1-XYZ']);
    for (const table of [local, renamedLocal, deployed]) table.db.destroy();
  });
});
