import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually, projectRoot } from './local-stack';

/** `npm start` (bin/local.ts) as a child process, resolved once it says it is running. */
export async function startNpmStart(
  env: Record<string, string>,
  children: ChildProcess[],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'bin/local.ts')], {
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
