import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/tied-child.ts', import.meta.url));

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves true as soon as `pid` is gone, false if it is still there after `withinMs`. */
export async function diesWithin(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  return true;
}

/** Runs the tied-child fixture in its own Node process and resolves once it has reported its command's PID. */
export function startTiedChild(
  what: 'sleep' | 'dynamodb',
  mode: 'hold' | 'exit',
): Promise<{ parent: ChildProcess; commandPid: number }> {
  const parent = spawn(process.execPath, ['--import', 'tsx', fixture, what, mode], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    parent.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    parent.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /^pid (\d+)$/m.exec(stdout);
      if (match?.[1] !== undefined) resolve({ parent, commandPid: Number(match[1]) });
    });
    parent.once('exit', (code) => reject(new Error(`The fixture exited (code ${code}) early:\n${stderr}`)));
  });
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
