import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMatchCommand } from '../../lib/cli/match-command';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidings-match-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== ''),
  };
}

async function run(queries: string[], articles: string[]) {
  const queriesPath = join(dir, 'queries.jsonl');
  const articlesPath = join(dir, 'articles.jsonl');
  await writeFile(queriesPath, queries.join('\n'));
  await writeFile(articlesPath, articles.join('\n'));
  const stdout = capture();
  const stderr = capture();
  const code = await runMatchCommand({
    queriesPath,
    articlesPath,
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  return { code, out: stdout.lines(), err: stderr.lines(), queriesPath, articlesPath };
}

const line = (value: unknown) => JSON.stringify(value);

describe('runMatchCommand', () => {
  it('prints one JSON line per match and exits 0 when everything is valid', async () => {
    const result = await run(
      [
        line({ id: 'iran', query: 'Iran -Tirana' }),
        line({ id: 'sudani', query: 'al-Sudani OR title:Baghdad' }),
      ],
      [
        line({ id: 'a1', title: 'Talks in Baghdad', text: "Iran's envoy met al-Sudani." }),
        line({ id: 'a2', title: 'Albania', text: 'Iran in Tirana', source: 'AFP', lang: 'en' }),
        line({ id: 'a3', title: 'Weather', text: 'Sunny' }),
      ],
    );
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out.map((l) => JSON.parse(l))).toEqual([
      { query: 'iran', article: 'a1', terms: ['iran'] },
      { query: 'sudani', article: 'a1', terms: ['"al sudani"', 'title:baghdad'] },
    ]);
  });

  it('reports invalid queries and malformed lines on stderr, runs the rest and exits 1', async () => {
    const result = await run(
      [
        line({ id: 'good', query: 'Iran' }),
        line({ id: 'bad', query: 'Iran AND' }),
        '{not json',
        line({ query: 'no id' }),
        line({ id: 'good', query: 'duplicate' }),
        '',
        line({ id: 'numeric', query: 42 }),
      ],
      [
        line({ id: 'a1', title: 'Iran', text: 'Iran talks' }),
        '[1, 2]',
        line({ id: 'a2', text: 'no title' }),
        line({ id: 'a3', title: 'x', text: 'Iran', lang: 7 }),
        line({ id: 'a4', title: 'x', text: 'Iran again' }),
      ],
    );
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      `query bad (${result.queriesPath} line 2): AND at column 6 needs a term after it`,
      `${result.queriesPath} line 3: not valid JSON`,
      `${result.queriesPath} line 4: "id" must be a non-empty string`,
      `query good (${result.queriesPath} line 5): duplicate id; the first one is used`,
      `query numeric (${result.queriesPath} line 7): "query" must be a string`,
      `${result.articlesPath} line 2: expected a JSON object`,
      `${result.articlesPath} line 3: "title" must be a string`,
      `${result.articlesPath} line 4: "lang" must be a string when present`,
    ]);
    expect(result.out.map((l) => JSON.parse(l))).toEqual([
      { query: 'good', article: 'a1', terms: ['iran'] },
      { query: 'good', article: 'a4', terms: ['iran'] },
    ]);
  });

  it('reports an unreadable file and exits 1', async () => {
    const stdout = capture();
    const stderr = capture();
    const code = await runMatchCommand({
      queriesPath: join(dir, 'missing.jsonl'),
      articlesPath: join(dir, 'also-missing.jsonl'),
      stdout: stdout.stream,
      stderr: stderr.stream,
    });
    expect(code).toBe(1);
    expect(stderr.lines()).toHaveLength(1);
    expect(stderr.lines()[0]).toMatch(/^Cannot read input: ENOENT.*missing\.jsonl/);
  });

  it('streams a large article file', async () => {
    const articles = Array.from({ length: 5000 }, (_, i) =>
      line({
        id: `a${i}`,
        title: `Story ${i}`,
        text: i % 100 === 0 ? 'Iran talks resume' : 'Nothing to see',
      }),
    );
    const result = await run([line({ id: 'iran', query: 'Iran talks' })], articles);
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(50);
  });
});
