import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/free-port';
import { projectRoot } from '../support/local-stack';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidings-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function tidings(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(projectRoot, 'bin/tidings.js'), ...args],
      { cwd: dir, env: { ...process.env, TIDINGS_DATA_DIR: dir, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the tidings command', () => {
  it('matches query and article files and reports bad queries without stopping', async () => {
    await writeFile(
      join(dir, 'queries.jsonl'),
      [
        JSON.stringify({ id: 'q1', query: 'Iran AND Iraq' }),
        JSON.stringify({ id: 'q2', query: '"water accord"' }),
        JSON.stringify({ id: 'q3', query: 'Iran AND (' }),
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'articles.jsonl'),
      [
        JSON.stringify({ id: 'a1', title: 'Accord', text: 'Iran and Iraq signed a water accord.' }),
        JSON.stringify({ id: 'a2', title: 'Festival', text: 'Lanterns on the harbour.' }),
      ].join('\n'),
    );
    const { code, stdout, stderr } = await tidings([
      'match',
      '--queries',
      'queries.jsonl',
      '--articles',
      'articles.jsonl',
    ]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { query: 'q1', article: 'a1', terms: expect.arrayContaining(['iran', 'iraq']) },
      { query: 'q2', article: 'a1', terms: ['"water accord"'] },
    ]);
    expect(stderr).toMatch(/q3/);
    expect(code).toBe(1);
  });

  it('explains its usage for an unknown command', async () => {
    const { code, stderr } = await tidings(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown command "frobnicate"/);
    expect(stderr).toMatch(/tidings digest run/);
    expect(stderr).toMatch(/tidings subscribers import FILE\.csv \[--consented\]/);
  });

  it('says to start the stack when digest run finds nothing to talk to', async () => {
    // A port nothing listens on: the stack is not running.
    const { code, stderr } = await tidings(['digest', 'run', '--now'], {
      DYNAMODB_PORT: String(await freePort()),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/start the local stack first with "npm start"/);
  }, 30_000);
});
