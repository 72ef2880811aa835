import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type IngestCommandOptions, runIngestCommand } from '../../lib/cli/ingest-command';
import { freePort } from '../../lib/local/free-port';

interface Received {
  readonly path: string;
  readonly type: string;
  readonly authorization: string;
  readonly body: string;
}

/**
 * A stand-in for the API with scripted answers, reached over real HTTP, so what is tested is what the
 * command sends and how it takes each answer.
 */
let server: Server;
let baseUrl: string;
let received: Received[] = [];
let answer: (
  request: Received,
  count: number,
) => { status: number; body: unknown; headers?: Record<string, string> };

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url === '/health') return res.writeHead(200).end('{}');
    const request = {
      path: req.url ?? '',
      type: req.headers['content-type'] ?? '',
      authorization: req.headers.authorization ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
    };
    received.push(request);
    const { status, body, headers } = answer(request, received.filter((r) => r.body === request.body).length);
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await once(server, 'close');
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidings-ingest-command-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  received = [];
});

function capture(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

async function run(input: string, options: Partial<IngestCommandOptions> = {}, terminal = false) {
  const stdout = capture();
  const stderr = capture(terminal);
  const code = await runIngestCommand({
    input,
    baseUrl,
    key: 'the-key',
    unreachable: 'Nothing answers: start the local stack first with "npm start".',
    readStdin: async () => Buffer.from(''),
    stdout: stdout.stream,
    stderr: stderr.stream,
    retryDelayMs: 5,
    ...options,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const stored = (id: string) => ({ status: 201, body: { articles: [{ id, status: 'stored' }] } });

describe('tidings ingest, against a scripted API', () => {
  it('sends each file with its type and the key, and retries a 503 until it is taken', async () => {
    const path = join(dir, 'ferry.txt');
    await writeFile(path, 'Ferry resumes\n\nThe island ferry sailed again on Tuesday after the storm.');
    answer = (_, count) =>
      count < 3 ? { status: 503, body: { error: { code: 'x', message: 'busy' } } } : stored('a1');
    const result = await run(path);
    expect(received).toHaveLength(3);
    expect(received[0]).toMatchObject({
      path: '/articles',
      type: 'text/plain; charset=utf-8',
      authorization: 'Bearer the-key',
    });
    expect(result.stdout).toBe(
      '1 file read: 1 article stored, 0 duplicates, 0 items rejected, 0 files failed.\n',
    );
    expect(result.code).toBe(0);
  });

  it('waits as long as a 429 says before trying again', async () => {
    const path = join(dir, 'limited.json');
    await writeFile(path, '{"text":"The harbour master retired."}');
    answer = (_, count) =>
      count === 1
        ? {
            status: 429,
            body: { error: { code: 'rate_limited', message: 'slow down' } },
            headers: { 'retry-after': '1' },
          }
        : stored('a2');
    const started = Date.now();
    const result = await run(path);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(received.map((r) => r.type)).toEqual([
      'application/json; charset=utf-8',
      'application/json; charset=utf-8',
    ]);
    expect(result.code).toBe(0);
  });

  it('never retries another 4xx, gives up on a 5xx after four attempts, and names both with the server message', async () => {
    const folder = join(dir, 'refused');
    await mkdir(folder);
    await writeFile(join(folder, 'bad.json'), '{"text": ');
    await writeFile(join(folder, 'down.txt'), 'The lighthouse keeper spoke.');
    answer = (request) =>
      request.body.startsWith('{')
        ? { status: 400, body: { error: { code: 'invalid_json', message: 'The body is not valid JSON.' } } }
        : { status: 500, body: { error: { code: 'internal_error', message: 'Quote reference r-1.' } } };
    const result = await run(folder);
    expect(received.filter((r) => r.body.startsWith('{'))).toHaveLength(1);
    expect(received.filter((r) => !r.body.startsWith('{'))).toHaveLength(4);
    expect(result.stdout.split('\n')).toEqual([
      '2 files read: 0 articles stored, 0 duplicates, 0 items rejected, 2 files failed.',
      `${join(folder, 'bad.json')}: failed (400 invalid_json): The body is not valid JSON.`,
      `${join(folder, 'down.txt')}: failed after 4 attempts (500 internal_error): Quote reference r-1.`,
      '',
    ]);
    expect(result.code).toBe(1);
  });

  it('reports a file over 1 MiB as too large without sending it, and writes the report', async () => {
    const folder = join(dir, 'sizes');
    await mkdir(folder);
    await writeFile(join(folder, 'huge.txt'), 'x'.repeat(1024 * 1024 + 1));
    await writeFile(join(folder, 'small.txt'), 'The quay was repaved.');
    await writeFile(join(folder, 'notes.md'), 'not a story');
    answer = () => stored('a3');
    const report = join(dir, 'report.jsonl');
    const result = await run(folder, { reportPath: report });
    expect(received.map((r) => r.body)).toEqual(['The quay was repaved.']);
    expect(result.stderr).toBe(`Skipping ${join(folder, 'notes.md')}: unknown extension .md.\n`);
    expect(result.stdout).toMatch(/^2 files read \(1 skipped\): 1 article stored, .* 1 file failed\.\n/);
    expect(result.stdout).toContain(
      `${join(folder, 'huge.txt')}: failed (payload_too_large): 1048577 bytes, over the API's limit of 1048576 bytes (1 MiB); not sent.`,
    );
    const lines = (await readFile(report, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        file: join(folder, 'huge.txt'),
        outcome: 'failed',
        error: { code: 'payload_too_large', message: expect.any(String) },
      },
      { file: join(folder, 'notes.md'), outcome: 'skipped', reason: 'unknown extension .md' },
      {
        file: join(folder, 'small.txt'),
        type: 'text/plain',
        outcome: 'accepted',
        status: 201,
        articles: [{ id: 'a3', status: 'stored' }],
      },
    ]);
    expect(result.code).toBe(1);
  });

  it('counts rejected feed items and duplicates, and exits 1 for a rejected item', async () => {
    const path = join(dir, 'feed.xml');
    await writeFile(path, '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>');
    answer = () => ({
      status: 201,
      body: {
        articles: [
          { id: 'a4', status: 'stored' },
          { id: 'a5', status: 'duplicate' },
          { item: 3, status: 'rejected', error: { code: 'invalid_article', message: 'Item 3: no text.' } },
        ],
      },
    });
    const result = await run(path);
    expect(received[0]?.type).toBe('application/atom+xml; charset=utf-8');
    expect(result.stdout).toBe(
      '1 file read: 1 article stored, 1 duplicate, 1 item rejected, 0 files failed.\n' +
        `${path}: item 3 rejected (invalid_article): Item 3: no text.\n`,
    );
    expect(result.code).toBe(1);
  });

  it('draws a progress bar on stderr for a directory only when stderr is a terminal', async () => {
    const folder = join(dir, 'bar');
    await mkdir(folder);
    await writeFile(join(folder, 'one.txt'), 'The tide came in.');
    await writeFile(join(folder, 'two.txt'), 'The tide went out.');
    answer = (request) => stored(request.body.includes('in') ? 'in' : 'out');
    const onTerminal = await run(folder, {}, true);
    expect(onTerminal.stderr).toContain('Ingesting');
    expect(onTerminal.stderr).toContain('2/2 files');
    expect(onTerminal.stdout).toMatch(/^2 files read: 2 articles stored/);
    const onPipe = await run(folder);
    expect(onPipe.stderr).toBe('');
  });

  it('sends stdin as the type its text sniffs as, or as --type says', async () => {
    answer = () => stored('a6');
    const feed = Buffer.from('<rss version="2.0"><channel></channel></rss>');
    await run('-', { readStdin: async () => feed });
    await run('-', { readStdin: async () => feed, type: 'text/plain' });
    expect(received.map((r) => r.type)).toEqual([
      'application/rss+xml; charset=utf-8',
      'text/plain; charset=utf-8',
    ]);
  });

  it('says to start the stack, and sends nothing, when nothing answers', async () => {
    const path = join(dir, 'unsent.txt');
    await writeFile(path, 'The pier reopened.');
    const result = await run(path, { baseUrl: `http://127.0.0.1:${await freePort()}` });
    expect(result.stderr).toBe('Nothing answers: start the local stack first with "npm start".\n');
    expect(result.stdout).toBe('');
    expect(received).toEqual([]);
    expect(result.code).toBe(1);
  });

  it('exits 2 for a path that does not exist', async () => {
    const result = await run(join(dir, 'missing'));
    expect(result.stderr).toBe(`No such file or directory: ${join(dir, 'missing')}\n`);
    expect(result.code).toBe(2);
  });
});
