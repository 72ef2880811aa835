import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does to a request a rule picks:
 * - `throttle`: the service's own throttling answer (SES `Throttling`, DynamoDB
 *   `ProvisionedThroughputExceededException`), the request never reaches the emulator;
 * - `server-error`: a 5xx with the service's error body, the request never reaches the emulator;
 * - `delay-request`: held `ms`, then forwarded (a slow network on the way in);
 * - `delay-response`: forwarded at once, the answer held `ms` (the write is done, the caller does not know);
 * - `reset-after`: forwarded, then the connection dropped after `ms` with no answer (a hung call that ends
 *   in a socket error: the write may or may not have happened, the caller cannot tell);
 * - `hang`: never answered, the connection left open until the caller gives up on it (its request
 *   timeout); `forward` says whether the request reached the emulator first (the write done) or not.
 */
export type FaultAnswer =
  | { readonly kind: 'throttle' }
  | { readonly kind: 'server-error'; readonly status?: number }
  | { readonly kind: 'delay-request'; readonly ms: number }
  | { readonly kind: 'delay-response'; readonly ms: number }
  | { readonly kind: 'reset-after'; readonly ms: number }
  | { readonly kind: 'hang'; readonly forward: boolean };

export interface FaultRule {
  /** The API operation (`SendRawEmail`, `UpdateItem`, `GetItem`, …), or `*` for every one. */
  readonly operation: string;
  readonly answer: FaultAnswer;
  /** At most this many requests get the answer (unlimited if unset). */
  readonly times?: number;
  /**
   * Only during this long from the first request the rule answered (forever if unset): "5xx for a while"
   * starts when the first send meets it, however long the story took to get there.
   */
  readonly forMs?: number;
  /** The share of matching requests that get it, 0–1 (all if unset), from a seeded sequence. */
  readonly share?: number;
}

export type ProxiedService = 'dynamodb' | 'ses';

/** What one operation saw: requests through the proxy, and how many of them a rule answered. */
export interface OperationCounts {
  seen: number;
  faulted: number;
}

interface ArmedRule extends FaultRule {
  firstAt?: number;
  used: number;
}

/** A small deterministic generator, so a failing run can be told apart from bad luck by running it again. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** DynamoDB names the operation in `X-Amz-Target`; the SES query API in the form body's `Action`. */
function operationOf(service: ProxiedService, req: IncomingMessage, body: Buffer): string {
  if (service === 'dynamodb') {
    const target = String(req.headers['x-amz-target'] ?? '');
    return target.slice(target.indexOf('.') + 1) || 'unknown';
  }
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('latin1'))?.[1];
  if (action) return action;
  // SES v2 (REST) and the emulator's own pages: the path says enough.
  return `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
}

const SES_THROTTLE = (requestId: string) =>
  '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>' +
  '<Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error>' +
  `<RequestId>${requestId}</RequestId></ErrorResponse>`;

const SES_UNAVAILABLE = (requestId: string) =>
  '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Receiver</Type>' +
  '<Code>ServiceUnavailable</Code><Message>Service is unavailable. Please try again later.</Message></Error>' +
  `<RequestId>${requestId}</RequestId></ErrorResponse>`;

const DYNAMO_THROTTLE = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message:
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
});

const DYNAMO_UNAVAILABLE = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
  message: 'Internal server error',
});

function answerWithError(service: ProxiedService, res: ServerResponse, answer: FaultAnswer): void {
  const requestId = randomUUID();
  const throttle = answer.kind === 'throttle';
  const status = throttle ? 400 : answer.kind === 'server-error' ? (answer.status ?? 503) : 500;
  if (service === 'ses') {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    res.end(throttle ? SES_THROTTLE(requestId) : SES_UNAVAILABLE(requestId));
  } else {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId });
    res.end(throttle ? DYNAMO_THROTTLE : DYNAMO_UNAVAILABLE);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An HTTP proxy between the functions and one emulator, with a programmable schedule of faults: "the next
 * 30 SendRawEmail get Throttling", "a fifth of UpdateItem get ProvisionedThroughputExceededException for
 * 3 s", "hold every GetItem's answer 2 s". Requests no rule picks pass through untouched.
 */
export async function startFaultProxy(service: ProxiedService, target: string, seed = 1) {
  const targetUrl = new URL(target);
  const rules: ArmedRule[] = [];
  const counts = new Map<string, OperationCounts>();
  const random = seeded(seed);
  const sockets = new Set<Socket>();
  const hangs = { open: 0, givenUpAfterMs: [] as number[] };

  const pick = (operation: string): FaultAnswer | undefined => {
    const now = Date.now();
    for (const rule of rules) {
      if (rule.operation !== '*' && rule.operation !== operation) continue;
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      if (rule.forMs !== undefined && rule.firstAt !== undefined && now - rule.firstAt > rule.forMs) continue;
      if (rule.share !== undefined && random() >= rule.share) continue;
      rule.firstAt ??= now;
      rule.used++;
      return rule.answer;
    }
    return undefined;
  };

  const forward = (req: IncomingMessage, body: Buffer, onAnswer: (upstream: IncomingMessage) => void) => {
    const upstream = request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: targetUrl.host },
      },
      onAnswer,
    );
    upstream.on('error', () => req.socket.destroy());
    upstream.end(body);
  };

  const relay = (res: ServerResponse, upstream: IncomingMessage) => {
    res.writeHead(upstream.statusCode ?? 502, upstream.headers);
    upstream.pipe(res);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const operation = operationOf(service, req, body);
        const count = counts.get(operation) ?? { seen: 0, faulted: 0 };
        counts.set(operation, count);
        count.seen++;
        const answer = pick(operation);
        if (answer) count.faulted++;
        switch (answer?.kind) {
          case undefined:
            forward(req, body, (upstream) => relay(res, upstream));
            return;
          case 'throttle':
          case 'server-error':
            answerWithError(service, res, answer);
            return;
          case 'delay-request':
            await sleep(answer.ms);
            forward(req, body, (upstream) => relay(res, upstream));
            return;
          case 'delay-response':
            forward(req, body, (upstream) => {
              // Read the whole answer first, so the emulator has finished before the wait starts.
              const parts: Buffer[] = [];
              upstream.on('data', (part: Buffer) => parts.push(part));
              upstream.on('end', () => {
                void sleep(answer.ms).then(() => {
                  res.writeHead(upstream.statusCode ?? 502, upstream.headers);
                  res.end(Buffer.concat(parts));
                });
              });
            });
            return;
          case 'reset-after':
            forward(req, body, (upstream) => {
              upstream.resume();
              void sleep(answer.ms).then(() => req.socket.destroy());
            });
            return;
          case 'hang': {
            // No answer, ever: only the caller closing the connection (or stop()) ends it.
            if (answer.forward) forward(req, body, (upstream) => upstream.resume());
            const since = Date.now();
            hangs.open++;
            req.socket.once('close', () => {
              hangs.open--;
              hangs.givenUpAfterMs.push(Date.now() - since);
            });
            return;
          }
        }
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    /** Arms a rule; rules are tried in the order they were added, the first that picks a request answers it. */
    add(rule: FaultRule): void {
      rules.push({ ...rule, used: 0 });
    },
    /** Disarms every rule: from now on everything passes through. */
    clear(): void {
      rules.length = 0;
    },
    /** Requests seen and faulted, by operation. */
    counts(): ReadonlyMap<string, OperationCounts> {
      return counts;
    },
    /** Hung requests still open, and how long each closed one waited before its caller gave up. */
    hangs(): { readonly open: number; readonly givenUpAfterMs: readonly number[] } {
      return hangs;
    },
    /** Requests a rule answered, over every operation. */
    faulted(): number {
      return [...counts.values()].reduce((sum, c) => sum + c.faulted, 0);
    },
    stop(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;
