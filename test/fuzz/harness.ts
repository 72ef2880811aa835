import fc from 'fast-check';
import { parseHTML } from 'linkedom';
import { type RawAnswer, rawRequest } from '../support/raw-http';

/** The seed and the count per entry point, so a run that found something can be repeated exactly. */
export const FUZZ_SEED = Number(process.env.TIDINGS_FUZZ_SEED ?? 20261203);
export const FUZZ_RUNS = Number(process.env.TIDINGS_FUZZ_RUNS ?? 250);

/** Past this a request counts as a hang: API Gateway gives up at 30 s, a healthy local answer takes < 1 s. */
const CLIENT_TIMEOUT_MS = 10_000;

/**
 * How many requests are in flight at once. Two keep the stack busy; with four, on two cores shared with
 * other work (load 12 and more), queueing alone pushed a few small ingests past the hang bound.
 */
const CONCURRENCY = 2;

export interface FuzzRequest {
  readonly method: string;
  /** The request target exactly as written on the request line: raw bytes, bad escapes and all. */
  readonly target: string | Buffer;
  /** Header lines as written; `host` is added unless one is given (or `noHost` asks for none). */
  readonly headers?: readonly (readonly [string, string | Buffer])[];
  readonly body?: Buffer | string;
  /** Leaves out the Content-Length the body would get (for requests that frame the body themselves). */
  readonly rawFraming?: boolean;
  readonly noHost?: boolean;
  /** The class of input, for the failure list. */
  readonly label: string;
}

export interface FuzzOutcome {
  readonly request: FuzzRequest;
  readonly answer?: RawAnswer;
  /** From the first byte written to the whole answer read. */
  readonly ms?: number;
  /** Why the answer is not acceptable; undefined when it is. */
  readonly failure?: string;
}

/** Statuses seen per entry point, for the report at the end of the run. */
export class Tally {
  private readonly byEntry = new Map<string, Map<string, number>>();
  private readonly slowest = new Map<string, number>();
  readonly failures: { entry: string; label: string; what: string; failure: string }[] = [];

  record(entry: string, outcome: FuzzOutcome): void {
    const counts = this.byEntry.get(entry) ?? new Map<string, number>();
    const key = outcome.answer ? String(outcome.answer.status) : 'no answer';
    counts.set(key, (counts.get(key) ?? 0) + 1);
    this.byEntry.set(entry, counts);
    if (outcome.ms !== undefined)
      this.slowest.set(entry, Math.max(this.slowest.get(entry) ?? 0, Math.round(outcome.ms)));
    if (outcome.failure) {
      this.failures.push({
        entry,
        label: outcome.request.label,
        what: describe(outcome.request),
        failure: outcome.failure,
      });
    }
  }

  count(entry: string, status: string): void {
    const counts = this.byEntry.get(entry) ?? new Map<string, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    this.byEntry.set(entry, counts);
  }

  fail(entry: string, label: string, what: string, failure: string): void {
    this.failures.push({ entry, label, what, failure });
  }

  total(): number {
    let sum = 0;
    for (const counts of this.byEntry.values()) for (const n of counts.values()) sum += n;
    return sum;
  }

  /** `fuzz: <entry point>: N tried; 200 x, 400 y, ...`, one line per entry point. */
  report(): string {
    const lines = [...this.byEntry].map(([entry, counts]) => {
      const tried = [...counts.values()].reduce((a, b) => a + b, 0);
      const parts = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s} ${n}`);
      const slowest = this.slowest.get(entry);
      return `fuzz: ${entry}: ${tried} tried; ${parts.join(', ')}${slowest === undefined ? '' : `; slowest ${slowest} ms`}`;
    });
    lines.push(
      `fuzz: total: ${this.total()} tried, ${this.failures.length} failures (seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs)`,
    );
    return lines.join('\n');
  }
}

/** The request in a line or two, escaped, so a failure names what to add to the corpus. */
export function describe(request: FuzzRequest): string {
  const target = Buffer.from(request.target).toString('latin1');
  const body = Buffer.from(request.body ?? '');
  const shown =
    body.length > 300
      ? `${body.subarray(0, 300).toString('latin1')}… (${body.length} bytes)`
      : body.toString('latin1');
  return JSON.stringify(
    `${request.method} ${target} ${JSON.stringify(request.headers ?? [])} ${shown}`,
  ).slice(0, 1200);
}

function head(request: FuzzRequest, port: number): Buffer {
  const lines: Buffer[] = [Buffer.concat([Buffer.from(`${request.method} `), Buffer.from(request.target)])];
  lines[0] = Buffer.concat([lines[0] as Buffer, Buffer.from(' HTTP/1.1')]);
  const headers = request.headers ?? [];
  const named = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  if (!request.noHost && !named('host')) lines.push(Buffer.from(`Host: localhost:${port}`));
  for (const [name, value] of headers)
    lines.push(Buffer.concat([Buffer.from(`${name}: `), Buffer.from(value)]));
  if (!request.rawFraming && !named('content-length') && !named('transfer-encoding'))
    lines.push(
      Buffer.from(`Content-Length: ${request.body === undefined ? 0 : Buffer.byteLength(request.body)}`),
    );
  if (!named('connection')) lines.push(Buffer.from('Connection: close'));
  return Buffer.concat(lines.flatMap((line, i) => (i === 0 ? [line] : [Buffer.from('\r\n'), line])));
}

/** Sends one request and judges the answer; a hang or a closed connection is a failure like a 500. */
export async function send(port: number, request: FuzzRequest): Promise<FuzzOutcome> {
  let answer: RawAnswer | undefined;
  const started = performance.now();
  try {
    answer = await rawRequest(port, {
      head: head(request, port),
      body: request.body,
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
  } catch {
    return { request, failure: `no answer within ${CLIENT_TIMEOUT_MS} ms` };
  }
  if (!answer) return { request, failure: 'the connection closed without an answer' };
  return { request, answer, ms: performance.now() - started, failure: judge(answer, request.method) };
}

/**
 * What makes an answer wrong whatever was asked: a 5xx, a stack trace, an error body without the project's
 * shape, a header the input put there, or a page that carries markup from the input unescaped.
 */
export function judge(answer: RawAnswer, method = 'GET'): string | undefined {
  if (!(answer.status >= 100 && answer.status < 500))
    return `status ${answer.status}: ${answer.body.slice(0, 300)}`;
  // A HEAD answer has the headers of the GET and no body to judge.
  if (method === 'HEAD') return undefined;
  if (/\bat .*\.[tj]s:\d+/.test(answer.body))
    return `a stack trace in the body: ${answer.body.slice(0, 300)}`;
  if (Object.keys(answer.headers).some((name) => /fuzz|^bcc$/i.test(name)))
    return `an injected header: ${JSON.stringify(answer.headers)}`;
  const type = answer.headers['content-type'] ?? '';
  if (answer.status >= 400 && type.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
      if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string')
        return `an error without {"error":{"code","message"}}: ${answer.body.slice(0, 300)}`;
    } catch {
      return `an error body that is not JSON: ${answer.body.slice(0, 300)}`;
    }
  }
  if (type.startsWith('text/html')) return unsafeMarkup(answer.body);
  return undefined;
}

/**
 * Markup the input got into a page or email: a script, an event-handler attribute or a javascript: link
 * that came from a fuzz payload (each carries `fuzzXSS`, and Tidings' own markup has no event handlers).
 */
export function unsafeMarkup(html: string): string | undefined {
  const { document } = parseHTML(html);
  for (const script of document.querySelectorAll('script')) {
    if (/fuzz/i.test(`${script.textContent} ${script.getAttribute('src') ?? ''}`))
      return `an injected <script>: ${script.outerHTML.slice(0, 200)}`;
  }
  for (const element of document.querySelectorAll('*')) {
    for (const { name, value } of element.attributes) {
      if (/^on/i.test(name)) return `an event-handler attribute ${name}="${value}" on <${element.localName}>`;
      if (/^\s*javascript:/i.test(value)) return `a javascript: URL in ${name} of <${element.localName}>`;
    }
    if (['iframe', 'object', 'embed'].includes(element.localName))
      return `an injected <${element.localName}>: ${element.outerHTML.slice(0, 200)}`;
  }
  return undefined;
}

/** Runs every request, CONCURRENCY at a time, recording each outcome under its entry point. */
export async function runAll(
  port: number,
  entry: string,
  requests: readonly FuzzRequest[],
  tally: Tally,
  after?: (outcome: FuzzOutcome) => Promise<void>,
): Promise<FuzzOutcome[]> {
  const outcomes: FuzzOutcome[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const outcome = await send(port, requests[index] as FuzzRequest);
      outcomes[index] = outcome;
      tally.record(entry, outcome);
      await after?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

/**
 * What a failure of a sampled run comes down to: the entry point's arbitrary run again through `fc.check`
 * from the same seed, so fast-check finds a failing request and shrinks it to the smallest that still fails.
 * Only run once a failure is known (shrinking sends requests one at a time). The line names the request,
 * what was wrong with its answer, and the seed and path that replay exactly that request.
 */
export async function shrinkFailure(
  arbitrary: fc.Arbitrary<FuzzRequest>,
  runs: number,
  seed: number,
  sendOne: (request: FuzzRequest) => Promise<FuzzOutcome>,
): Promise<{ readonly request?: FuzzRequest; readonly line: string }> {
  let last: FuzzOutcome | undefined;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (request) => {
      const outcome = await sendOne(request);
      if (outcome.failure) last = outcome;
      return outcome.failure === undefined;
    }),
    { seed, numRuns: runs },
  );
  if (!details.failed || !details.counterexample) {
    return { line: `not reproduced from seed ${seed} one request at a time: it needs concurrency or state` };
  }
  const [request] = details.counterexample;
  // The last failing outcome is the shrunk request's: fast-check stops at the last one that failed.
  return {
    request,
    line:
      `shrunk in ${details.numShrinks} steps to ${describe(request)}: ${last?.failure}; ` +
      `replay with fc.check(..., { seed: ${details.seed}, path: "${details.counterexamplePath}" })`,
  };
}
