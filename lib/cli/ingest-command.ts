import { readFile, stat, writeFile } from 'node:fs/promises';
import { Presets, SingleBar } from 'cli-progress';
import { settleEach } from '../concurrency';
import { MAX_BODY_BYTES } from '../http/request';
import { type IngestType, inferType, sniffType, walkDirectory } from './ingest-inputs';

type Output = NodeJS.WritableStream & { readonly isTTY?: boolean };

export interface IngestCommandOptions {
  /** A file, a directory (walked recursively) or `-` for stdin. */
  readonly input: string;
  /** Every file's type, instead of inferring it from its extension or text. */
  readonly type?: IngestType;
  /** Where the API is: the local stack's `http://127.0.0.1:$PORT` or a deployed one's base URL. */
  readonly baseUrl: string;
  readonly key: string;
  /** Said on stderr, exit code 1, when nothing answers at `baseUrl`. */
  readonly unreachable: string;
  /** One JSON line per file with its results. */
  readonly reportPath?: string;
  readonly readStdin: () => Promise<Buffer>;
  readonly stdout: Output;
  /** Notes, and for a directory on a terminal the progress bar. */
  readonly stderr: Output;
  /** Files sent at once; 4 by default. */
  readonly concurrency?: number;
  /** Tries per file on 429, 5xx and connection errors (never on another 4xx); 4 by default. */
  readonly attempts?: number;
  /** The first retry's delay, doubled for each one after; 500 ms by default. */
  readonly retryDelayMs?: number;
  /** How long one request may take before it counts as a connection error; 30 s by default. */
  readonly timeoutMs?: number;
}

/** One entry of `POST /articles`' answer. */
export type ArticleResult =
  | { readonly id: string; readonly status: 'stored' | 'duplicate' }
  | { readonly item: number; readonly status: 'rejected'; readonly error: ApiError };

interface ApiError {
  readonly code: string;
  readonly message: string;
}

/** What happened to one file, as the report writes it. */
export type FileResult =
  | { readonly file: string; readonly outcome: 'skipped'; readonly reason: string }
  | {
      readonly file: string;
      readonly type: IngestType;
      /** accepted: every item stored or a duplicate; rejected: the server took the file but refused items. */
      readonly outcome: 'accepted' | 'rejected';
      readonly status: number;
      readonly articles: ArticleResult[];
    }
  | {
      readonly file: string;
      readonly type?: IngestType;
      readonly outcome: 'failed';
      /** The HTTP status, absent when the file was never sent or nothing answered. */
      readonly status?: number;
      readonly error: ApiError;
      readonly attempts?: number;
    };

interface Input {
  readonly name: string;
  /** Why the file is not sent; the rest is then unused. */
  readonly skipped?: string;
  readonly read: () => Promise<Buffer | { tooLarge: number }>;
  readonly typeOf: (text: string) => IngestType;
}

/** Exit code 2: the command line cannot be run as given. */
class UsageError extends Error {
  override name = 'UsageError';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function fileInput(path: string, typeOf: (text: string) => IngestType): Input {
  return {
    name: path,
    typeOf,
    read: async () => {
      // Checked before reading, so a huge file is never loaded only to be refused.
      const { size } = await stat(path);
      return size > MAX_BODY_BYTES ? { tooLarge: size } : readFile(path);
    },
  };
}

/** What to send, in order: the file, stdin, or every file of the directory (and those it skips). */
async function inputsOf(options: IngestCommandOptions): Promise<Input[]> {
  const { input, type } = options;
  if (input === '-') {
    const read = async () => {
      const bytes = await options.readStdin();
      return bytes.length > MAX_BODY_BYTES ? { tooLarge: bytes.length } : bytes;
    };
    return [{ name: 'stdin', read, typeOf: (text) => type ?? sniffType(text) }];
  }
  let found: Awaited<ReturnType<typeof stat>>;
  try {
    found = await stat(input);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`No such file or directory: ${input}`);
    throw error;
  }
  if (found.isFile()) return [fileInput(input, (text) => type ?? inferType(input, text))];
  if (!found.isDirectory()) throw new UsageError(`${input} is neither a file nor a directory.`);
  return (await walkDirectory(input)).map(({ path, skipped }) => ({
    ...fileInput(path, (text) => type ?? inferType(path, text)),
    ...(skipped !== undefined && { skipped }),
  }));
}

/** What to say about a body that was not `{articles:[…]}` or `{error:{code,message}}`. */
function answerError(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { error?: Partial<ApiError> };
    if (typeof body.error?.message === 'string')
      return { code: String(body.error.code ?? `http_${status}`), message: body.error.message };
  } catch {
    // Not JSON (a proxy's error page, say): its first line is all there is to show.
  }
  const line = text.trim().split('\n')[0]?.slice(0, 200);
  return {
    code: `http_${status}`,
    message: line ? `HTTP ${status}: ${line}` : `HTTP ${status} with no body.`,
  };
}

function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  // Capped, so a server asking for minutes cannot stall the run; if it still refuses, the file is failed.
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 30) * 1000 : undefined;
}

/** `path` under the API's base URL, which may carry a stage path (`…/prod`) with or without a slash. */
const apiUrl = (base: string, path: string) => new URL(path, base.endsWith('/') ? base : `${base}/`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Sent =
  | { readonly status: number; readonly articles: ArticleResult[] }
  | { readonly status?: number; readonly error: ApiError; readonly attempts: number };

/**
 * One body to `POST /articles`, tried again after a backoff on 429, 5xx and connection errors (a 429's
 * Retry-After is honoured); any other answer is final, so a body the server refuses is never sent twice.
 */
async function send(options: IngestCommandOptions, body: Buffer, type: IngestType): Promise<Sent> {
  const attempts = options.attempts ?? 4;
  const delay = options.retryDelayMs ?? 500;
  const url = apiUrl(options.baseUrl, 'articles');
  let last: { status?: number; error: ApiError } = { error: { code: 'not_sent', message: 'Not sent.' } };
  let pause = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(pause);
    const backoff = delay * 2 ** (attempt - 1);
    pause = backoff;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.key}`, 'content-type': `${type}; charset=utf-8` },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      last = {
        error: {
          code: 'connection_failed',
          message: `${(error as Error).message}${cause ? ` (${cause})` : ''}`,
        },
      };
      continue;
    }
    const text = await response.text();
    if (response.status === 429 || response.status >= 500) {
      last = { status: response.status, error: answerError(response.status, text) };
      pause = Math.max(backoff, retryAfterMs(response) ?? 0);
      continue;
    }
    if (!response.ok)
      return { status: response.status, error: answerError(response.status, text), attempts: attempt };
    try {
      const { articles } = JSON.parse(text) as { articles?: ArticleResult[] };
      if (Array.isArray(articles)) return { status: response.status, articles };
    } catch {
      // Reported below.
    }
    return {
      status: response.status,
      error: { code: 'unexpected_answer', message: `HTTP ${response.status} without an articles list.` },
      attempts: attempt,
    };
  }
  return { ...last, attempts };
}

async function ingestOne(options: IngestCommandOptions, input: Input): Promise<FileResult> {
  const file = input.name;
  let bytes: Buffer | { tooLarge: number };
  try {
    bytes = await input.read();
  } catch (error) {
    return { file, outcome: 'failed', error: { code: 'unreadable', message: (error as Error).message } };
  }
  if (!Buffer.isBuffer(bytes)) {
    const message = `${bytes.tooLarge} bytes, over the API's limit of ${MAX_BODY_BYTES} bytes (1 MiB); not sent.`;
    return { file, outcome: 'failed', error: { code: 'payload_too_large', message } };
  }
  const type = input.typeOf(bytes.toString('utf8'));
  const sent = await send(options, bytes, type);
  if ('error' in sent) return { file, type, outcome: 'failed', ...sent };
  const rejected = sent.articles.some((article) => article.status === 'rejected');
  return { file, type, outcome: rejected ? 'rejected' : 'accepted', ...sent };
}

function progressBar(stream: Output, total: number) {
  // Nothing on a pipe or a log file: a bar redrawn with carriage returns would only clutter it.
  if (!stream.isTTY || total === 0) return undefined;
  const bar = new SingleBar(
    {
      stream,
      format: 'Ingesting {bar} {value}/{total} files | {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** The summary's lines: the counts, then one line per failed file and per rejected item. */
export function describeIngest(results: readonly FileResult[]): string {
  const counts = { files: 0, skipped: 0, stored: 0, duplicate: 0, rejected: 0, failed: 0 };
  const problems: string[] = [];
  for (const result of results) {
    if (result.outcome === 'skipped') {
      counts.skipped++;
      continue;
    }
    counts.files++;
    if (result.outcome === 'failed') {
      counts.failed++;
      const how = result.status === undefined ? result.error.code : `${result.status} ${result.error.code}`;
      const tries =
        result.attempts !== undefined && result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
      problems.push(`${result.file}: failed${tries} (${how}): ${result.error.message}`);
      continue;
    }
    for (const article of result.articles) {
      if (article.status === 'rejected') {
        counts.rejected++;
        problems.push(
          `${result.file}: item ${article.item} rejected (${article.error.code}): ${article.error.message}`,
        );
      } else counts[article.status]++;
    }
  }
  const skipped = counts.skipped > 0 ? ` (${counts.skipped} skipped)` : '';
  return [
    `${plural(counts.files, 'file')} read${skipped}: ${plural(counts.stored, 'article')} stored, ` +
      `${plural(counts.duplicate, 'duplicate')}, ${plural(counts.rejected, 'item')} rejected, ` +
      `${plural(counts.failed, 'file')} failed.`,
    ...problems,
  ].join('\n');
}

/**
 * `tidings ingest <file|dir|->`: sends each file (every file of a directory, sorted; or stdin) to
 * `POST /articles` as its type, a few at once, and prints what the server did with each. Exit code 0 when
 * every file and item was accepted (stored or a duplicate), 1 when any failed or nothing answers, 2 when
 * the path does not exist.
 */
export async function runIngestCommand(options: IngestCommandOptions): Promise<number> {
  const { stdout, stderr } = options;
  let inputs: Input[];
  try {
    inputs = await inputsOf(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`${error.message}\n`);
    return 2;
  }
  for (const { name, skipped } of inputs) if (skipped) stderr.write(`Skipping ${name}: ${skipped}.\n`);
  const toSend = inputs.filter((input) => input.skipped === undefined);
  try {
    // Any answer will do, even a 503 from a stack whose mail emulator is down: something is there.
    await fetch(apiUrl(options.baseUrl, 'health'), {
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch {
    stderr.write(`${options.unreachable}\n`);
    return 1;
  }

  const bar = options.input === '-' ? undefined : progressBar(stderr, toSend.length);
  let settled: PromiseSettledResult<FileResult>[];
  try {
    settled = await settleEach(toSend, options.concurrency ?? 4, async (input) => {
      const result = await ingestOne(options, input);
      bar?.increment();
      return result;
    });
  } finally {
    bar?.stop();
  }
  const sent = new Map(toSend.map((input, index) => [input, settled[index]]));
  const results = inputs.map((input): FileResult => {
    if (input.skipped !== undefined) return { file: input.name, outcome: 'skipped', reason: input.skipped };
    const outcome = sent.get(input);
    if (outcome?.status === 'fulfilled') return outcome.value;
    const message = outcome?.reason instanceof Error ? outcome.reason.message : String(outcome?.reason);
    return { file: input.name, outcome: 'failed', error: { code: 'internal', message } };
  });

  if (options.reportPath) {
    await writeFile(options.reportPath, results.map((result) => `${JSON.stringify(result)}\n`).join(''));
  }
  stdout.write(`${describeIngest(results)}\n`);
  return results.every((result) => result.outcome === 'accepted' || result.outcome === 'skipped') ? 0 : 1;
}
