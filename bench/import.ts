import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runImportCommand } from '../lib/cli/subscribers-command';
import { subscribersCommand } from '../lib/compose/cli';
import { ensureTable } from '../lib/local/table-setup';
import { DEFAULT_MAX_TOPICS } from '../lib/subscriptions/model';
import { seededRandom } from './corpus';
import { countItems, startBenchDynamo } from './local-table';

type Print = (line: string) => void;

const ROWS = 10_000;
const TARGET_ROWS_PER_SECOND = 2_000;
const TABLE = 'tidings-bench';

const WORDS = [
  'Iran',
  'Iraq',
  'Gaza',
  'Basra',
  'water',
  'accord',
  'election',
  'drought',
  'sanctions',
  'oil',
  'Kyiv',
  'harbour',
  'festival',
  'climate',
  'vaccine',
  'railway',
  'strike',
  'budget',
  'tariffs',
  'wildfire',
];
const ZONES = ['UTC', 'Europe/London', 'Asia/Tokyo', 'America/New_York', 'Australia/Sydney'];
const FREQUENCIES = ['instant', 'instant', 'daily', 'weekly'];

/** Rows as a newsletter migration would bring them: 1–3 topics of 1–2 words, mixed frequencies and zones. */
function generatedCsv(rows: number, seed: number): string {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const lines = ['email,topics,frequency,timezone,digestHour'];
  for (let i = 0; i < rows; i++) {
    const topics = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
      random() < 0.5 ? pick(WORDS) : `${pick(WORDS)} AND ${pick(WORDS)}`,
    );
    lines.push(
      `reader${seed}-${i}@example.com,${[...new Set(topics)].join(';')},${pick(FREQUENCIES)},${pick(ZONES)},${Math.floor(random() * 24)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const sink = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

const itemCount = (client: DynamoDBClient, entity: string) => countItems(client, TABLE, { entity });

/**
 * `tidings subscribers import --consented` of 10,000 generated rows into DynamoDB Local (in memory, the
 * jar `npm start` runs), through the same command module and guarded client the CLI uses. DynamoDB Local
 * is a JVM that gets several times faster as it warms up, so the first file is measured cold and a second
 * one (other addresses) warm, as a running `npm start` is; then the second file again, which must find
 * every address and write nothing.
 */
export async function run(print: Print): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'tidings-bench-import-'));
  const dynamo = await startBenchDynamo();
  const { raw, db } = dynamo;
  try {
    await ensureTable(raw, TABLE);
    const importFile = async (path: string) => {
      const started = performance.now();
      const output: string[] = [];
      const stdout = new Writable({
        write(chunk, _encoding, done) {
          output.push(String(chunk));
          done();
        },
      });
      const code = await runImportCommand({
        path,
        consented: true,
        maxTopics: DEFAULT_MAX_TOPICS,
        importSubscribers: subscribersCommand(db, TABLE, 'the-bench-suppression-salt').importSubscribers,
        stdout,
        stderr: sink(),
      });
      const errors = (await readFile(`${path}.errors.csv`, 'utf8')).trim().split('\n').length - 1;
      return { code, errors, seconds: (performance.now() - started) / 1000, summary: output.join('').trim() };
    };
    const files = [join(dir, 'cold.csv'), join(dir, 'warm.csv')] as const;
    await writeFile(files[0], generatedCsv(ROWS, 1));
    await writeFile(files[1], generatedCsv(ROWS, 2));

    const cold = await importFile(files[0]);
    print(`subscriber-import-consented-10k-cold: ${(ROWS / cold.seconds).toFixed(0)} rows/s (a fresh JVM)`);
    const warm = await importFile(files[1]);
    const rate = ROWS / warm.seconds;
    print(`subscriber-import-consented-10k: ${rate.toFixed(0)} rows/s (target ≥ ${TARGET_ROWS_PER_SECOND})`);
    const again = await importFile(files[1]);
    print(
      `subscriber-import-rerun-10k: ${(ROWS / again.seconds).toFixed(0)} rows/s (every address already present)`,
    );

    const subscribers = await itemCount(raw, 'subscriber');
    const claims = await itemCount(raw, 'email');
    const consent = await itemCount(raw, 'consent');
    const topics = await itemCount(raw, 'topic');
    print(
      `subscriber-import-items: ${subscribers} profiles, ${claims} claims, ${topics} topics, ${consent} ledger lines`,
    );
    const correct =
      [cold, warm, again].every((result) => result.code === 0 && result.errors === 0) &&
      subscribers === 2 * ROWS &&
      claims === 2 * ROWS &&
      consent === 2 * ROWS &&
      again.summary.includes(`${ROWS} already present`);
    print(`target subscriber-import: ${rate >= TARGET_ROWS_PER_SECOND ? 'PASS' : 'FAIL'}`);
    if (!correct)
      print(`subscriber-import-correct: FAIL (${[cold, warm, again].map((r) => r.summary).join(' | ')})`);
    // The rate is a target, not correctness: a miss prints FAIL without failing the run.
    return correct;
  } finally {
    await dynamo.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
