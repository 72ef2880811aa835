import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../lib/local/free-port';
import { eventually, projectRoot } from './local-stack';

/**
 * `npm start` (bin/local.ts) as a child process, resolved once it says it is running. `preloads` are
 * test-only modules loaded with `--import` after tsx (the fault suite's crash hooks).
 */
export async function startNpmStart(
  env: Record<string, string>,
  children: ChildProcess[],
  preloads: readonly string[] = [],
): Promise<ChildProcess> {
  const imports = ['tsx', ...preloads].flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...imports, join(projectRoot, 'bin/local.ts')], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  await eventually(async () => (output.includes('Tidings is running') ? true : undefined), 90_000).catch(
    () => {
      throw new Error(`npm start did not come up:\n${output}`);
    },
  );
  return child;
}

/** kill -9: no handler runs, no checkpoint is saved; its emulators die with it. */
export async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A data folder of its own and free ports for one `npm start`, as the environment that chooses them. */
export async function npmStartEnv(name: string): Promise<{ dataDir: string; env: Record<string, string> }> {
  const dataDir = await mkdtemp(join(tmpdir(), `tidings-${name}-`));
  const ports = { api: await freePort(), dynamodb: await freePort(), ses: await freePort() };
  return {
    dataDir,
    env: {
      PORT: String(ports.api),
      DYNAMODB_PORT: String(ports.dynamodb),
      SES_PORT: String(ports.ses),
      TIDINGS_DATA_DIR: dataDir,
    },
  };
}
