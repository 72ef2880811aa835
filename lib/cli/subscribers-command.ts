import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { ValidationError } from '../errors';
import type { BulkSubscriberStore } from '../ports';
import {
  type CsvHeader,
  csvLines,
  ERROR_REPORT_HEADER,
  errorReportRows,
  exportHeader,
  exportRows,
  ImportPlan,
  type RowError,
  readHeader,
  readRow,
  rowCells,
  splitCsvLine,
} from '../subscriptions/subscriber-csv';
import type { ImportOutcome, makeImportSubscribers } from '../use-cases/import-subscribers';

type Output = NodeJS.WritableStream & { readonly isTTY?: boolean };

export interface ImportCommandOptions {
  readonly path: string;
  readonly consented: boolean;
  /** Where the per-row error report goes; `<path>.errors.csv` by default. */
  readonly errorsPath?: string;
  readonly maxTopics: number;
  readonly importSubscribers: ReturnType<typeof makeImportSubscribers>;
  readonly stdout: Output;
  /** Where the progress bar is drawn, only when it is a terminal. */
  readonly stderr: Output;
}

/** The file's lines, numbered from 1, without their line ends (LF or CRLF); read as a stream. */
async function* numberedLines(path: string): AsyncGenerator<{ text: string; number: number }> {
  let number = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) yield { text: part.replace(/\r$/, ''), number: ++number };
  }
  if (rest !== '') yield { text: rest.replace(/\r$/, ''), number: ++number };
}

interface ReadFile {
  readonly plan: ImportPlan;
  readonly rows: number;
}

/** Reads and checks every row before anything is written, so the plan knows each address's rows. */
async function readImportFile(path: string, maxTopics: number): Promise<ReadFile> {
  const plan = new ImportPlan({ maxTopics });
  let header: CsvHeader | undefined;
  let rows = 0;
  for await (const { text, number } of numberedLines(path)) {
    if (text.trim() === '') continue;
    if (!header) {
      try {
        header = readHeader(text);
      } catch (error) {
        if (error instanceof ValidationError)
          throw new ValidationError(error.code, `line ${number}: ${error.message}`);
        throw error;
      }
      continue;
    }
    rows++;
    let email = '';
    try {
      const cells = rowCells(splitCsvLine(text), header);
      email = cells.email ?? '';
      plan.add(number, email, readRow(cells, { maxTopics }));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      plan.reject(number, email, error.message);
    }
  }
  if (!header) throw new ValidationError('invalid_csv_header', 'The file has no header row.');
  return { plan, rows };
}

function progressBar(stream: Output, total: number) {
  // Nothing on a pipe or a log file: a bar redrawn with carriage returns would only clutter it.
  if (!stream.isTTY || total === 0) return undefined;
  const bar = new SingleBar(
    {
      stream,
      format: 'Importing {bar} {value}/{total} addresses | {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * `tidings subscribers import FILE [--consented] [--errors REPORT]`: every row is checked first; the
 * addresses of valid rows are imported; every rejected row is written to the error report with its line
 * and reason, and a summary line says what happened to the rest. Exit code 0 when every row was
 * imported or already present, 1 otherwise.
 */
export async function runImportCommand(options: ImportCommandOptions): Promise<number> {
  const { path, stdout, stderr } = options;
  const reportPath = options.errorsPath ?? `${path}.errors.csv`;
  let file: ReadFile;
  try {
    file = await readImportFile(path, options.maxTopics);
  } catch (error) {
    if (error instanceof ValidationError) {
      stderr.write(`${path} ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
      stderr.write(`Cannot read ${path}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const errors: RowError[] = [...file.plan.rejections()];
  const entries = file.plan.entries();
  const counts = { decided: 0, imported: 0, present: 0, pending: 0, queued: 0 };
  const bar = progressBar(stderr, entries.length);
  let stopped: Error | undefined;
  try {
    await options.importSubscribers(entries, {
      consented: options.consented,
      fileName: basename(path),
      onOutcome: (entry, outcome: ImportOutcome) => {
        bar?.increment();
        counts.decided++;
        if (outcome.kind === 'imported') {
          counts.imported++;
          if (outcome.confirmationQueued) counts.queued++;
        } else if (outcome.kind === 'present') {
          counts.present++;
          if (outcome.status === 'pending') counts.pending++;
        } else {
          for (const line of entry.lines)
            errors.push({ line, email: entry.request.email, reason: outcome.reason });
        }
      },
    });
  } catch (error) {
    stopped = error instanceof Error ? error : new Error(String(error));
  } finally {
    bar?.stop();
  }

  errors.sort((a, b) => a.line - b.line);
  await writeFile(reportPath, csvLines([ERROR_REPORT_HEADER, ...errorReportRows(errors)]));
  const present =
    counts.pending > 0
      ? `${counts.present} already present (${counts.pending} pending)`
      : `${counts.present} already present`;
  stdout.write(
    `${plural(file.rows, 'row')}: ${plural(counts.imported, 'subscriber')} imported${options.consented ? ' as active' : ''}, ` +
      `${present}, ${plural(counts.queued, 'confirmation email')} queued, ` +
      `${plural(errors.length, 'row')} rejected${errors.length > 0 ? ` (see ${reportPath})` : ''}.\n`,
  );
  if (stopped) {
    stderr.write(
      `The import stopped before the end, ${plural(entries.length - counts.decided, 'address', 'addresses')} not reached: ${stopped.message}\n` +
        'Run the same command again to finish: addresses it already imported are recognised and left alone.\n',
    );
  }
  return errors.length === 0 && !stopped ? 0 : 1;
}

export interface ExportCommandOptions {
  readonly subscribers: Pick<BulkSubscriberStore, 'listActiveSubscriptions'>;
  /** A file to write; stdout without it. */
  readonly out?: string;
  readonly stdout: Output;
  readonly stderr: Output;
}

async function writeChunk(stream: NodeJS.WritableStream, text: string): Promise<void> {
  // Honour backpressure so a large export never holds all its rows in memory.
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * `tidings subscribers export [--out FILE]`: every active subscriber with active topics, in the import's
 * columns, one row per frequency their topics have. A file is written under a temporary name and renamed
 * when complete, so a failed export never leaves a file that looks whole.
 */
export async function runExportCommand(options: ExportCommandOptions): Promise<number> {
  const { out, stderr } = options;
  const partial = out ? `${out}.partial` : undefined;
  const file = partial ? createWriteStream(partial) : undefined;
  const target = file ?? options.stdout;
  let subscribers = 0;
  let rows = 0;
  let problems = 0;
  try {
    await writeChunk(target, csvLines([exportHeader()]));
    for await (const { subscriber, topics } of options.subscribers.listActiveSubscriptions()) {
      const written = exportRows({ ...subscriber, topics });
      for (const { query, reason } of written.left) {
        problems++;
        stderr.write(`${subscriber.email}: topic "${query}" not exported: ${reason}.\n`);
      }
      if (written.rows.length === 0) continue;
      await writeChunk(target, csvLines(written.rows));
      subscribers++;
      rows += written.rows.length;
    }
    if (file && partial && out) {
      file.end();
      await once(file, 'finish');
      await rename(partial, out);
    }
  } catch (error) {
    if (file && partial) {
      file.destroy();
      await rm(partial, { force: true });
    }
    throw error;
  }
  stderr.write(
    `Exported ${plural(subscribers, 'active subscriber')} in ${plural(rows, 'row')}${out ? ` to ${out}` : ''}.\n`,
  );
  return problems === 0 ? 0 : 1;
}
