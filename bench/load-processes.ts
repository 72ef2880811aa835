import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './corpus';

export interface StackProcess {
  readonly child: ChildProcess;
  /** Lines the stack logged (dead letters, failed schedules): the bench reports how many. */
  readonly log: string[];
  /** The functions' ERROR and WARN log lines, and the sweeper's re-queues of stale claims and retries. */
  readonly problems: string[];
  /** Resolves once the stack's stream consumers have nothing left to do. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** `bench/load-stack-child.ts` under tsx, resolved once it says `ready`. */
export async function startStackProcess(
  env: Readonly<Record<string, string>>,
  /** A folder for a V8 CPU profile of the stack process, written when it stops. */
  profileDir?: string,
): Promise<StackProcess> {
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const entry = join(REPO_ROOT, 'bench/load-stack-child.ts');
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log: string[] = [];
  const problems: string[] = [];
  let pending = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') resolve();
        // The functions' own JSON logs are many; what the runner says of dead letters and schedules is kept.
        else if (!line.startsWith('{') && line.trim() !== '') log.push(line);
        else if (/"level":\s*"(ERROR|WARN)"|Deliveries queued again/.test(line)) problems.push(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The stack exited (${code}):\n${log.join('\n')}`)));
  });
  await ready;
  return {
    child,
    log,
    problems,
    idle: () =>
      new Promise<void>((resolve) => {
        child.once('message', () => resolve());
        child.send('idle');
      }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `node bin/tidings.js …` against the stack the environment names; rejects on a non-zero exit. */
export function tidings(args: readonly string[], env: Readonly<Record<string, string>>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin/tidings.js'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`tidings ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly name: string;
}

function processes(): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read from the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      found.push({ pid: Number(entry), ppid, name });
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
}

/** The process and every descendant, by walking parent ids. */
export function descendants(pid: number): ProcInfo[] {
  const all = processes();
  const tree = all.filter((p) => p.pid === pid);
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i]?.pid;
    tree.push(...all.filter((p) => p.ppid === parent));
  }
  return tree;
}

/** Peak resident set (VmHWM) in MB, from /proc; undefined where /proc does not say. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
