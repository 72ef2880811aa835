import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Node has no PR_SET_PDEATHSIG, so a supervising shell ties the command to this process instead: it holds
 * the read end of a pipe whose write end only we own. Whenever we go away (exit, crash, SIGKILL) the kernel
 * closes our end, `cat` sees end-of-file and the shell kills the command. It reports the command's PID on
 * fd 3 so callers can watch or kill the real process rather than the shell.
 * The trap keeps a stray TERM/INT/HUP aimed at the shell alone from orphaning the command. It is set only after
 * the command is launched: a trap inherited by the forked shell that is about to exec the command would
 * swallow a SIGTERM arriving before the exec, leaving the command running.
 */
const SUPERVISOR_SCRIPT = [
  '"$@" </dev/null 3>&- &',
  'child=$!',
  `trap 'kill "$child" 2>/dev/null' TERM INT HUP`,
  'echo "$child" >&3',
  'exec 3>&-',
  'cat >/dev/null',
  'kill "$child" 2>/dev/null',
  'wait "$child"',
].join('\n');

const OUTPUT_TAIL_CHARS = 4000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TiedProcess {
  /** PID of the command itself, not of its supervising shell. */
  readonly pid: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles once the command has exited and its supervisor with it. */
  readonly exited: Promise<ExitStatus>;
  /** The last few thousand characters the command wrote to stdout and stderr, for error messages. */
  outputTail(): string;
  /** Lets this process exit while the command still runs; the command then dies with it. */
  unref(): void;
  /** Ends the command (SIGTERM, then SIGKILL after `killAfterMs`) and resolves once it has exited. */
  stop(): Promise<void>;
}

export interface SpawnTiedOptions {
  killAfterMs?: number;
  /** Working directory of the command (files it drops in its cwd land there, not in the project). */
  cwd?: string;
}

const running = new Set<TiedProcess>();
let exitHookInstalled = false;

/**
 * The pipe already kills commands when we exit; signalling them from the exit hook only makes that prompt.
 * No SIGINT/SIGTERM listeners on purpose: adding one disables Node's default exit on that signal, and dying
 * from the signal closes the pipe anyway.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const tied of running) signal(tied.pid, 'SIGTERM');
  });
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: nothing left to end.
  }
}

function setRef(child: ChildProcess, ref: boolean): void {
  if (ref) child.ref();
  else child.unref();
  for (const stream of child.stdio) {
    if (stream instanceof Socket) {
      if (ref) stream.ref();
      else stream.unref();
    }
  }
}

function readPid(child: ChildProcess, command: string): Promise<number> {
  const pidStream = child.stdio[3];
  if (!(pidStream instanceof Socket)) {
    return Promise.reject(new Error(`No PID channel was opened for "${command}".`));
  }
  return new Promise((resolve, reject) => {
    let text = '';
    const onExit = (code: number | null) =>
      reject(new Error(`The supervisor of "${command}" exited (code ${code}) before reporting a PID.`));
    child.once('error', reject);
    child.once('exit', onExit);
    pidStream.setEncoding('utf8');
    pidStream.on('data', (chunk: string) => {
      text += chunk;
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) {
        child.off('error', reject);
        child.off('exit', onExit);
        const pid = Number(line.trim());
        if (Number.isInteger(pid) && pid > 0) resolve(pid);
        else
          reject(
            new Error(`The supervisor of "${command}" reported an invalid PID: ${JSON.stringify(line)}.`),
          );
      }
    });
  });
}

/**
 * Spawns `command args…` so that it cannot outlive this process, even when this process is SIGKILLed.
 * POSIX only: it relies on `sh`, `cat` and `kill`.
 */
export async function spawnTiedToParent(
  command: string,
  args: readonly string[],
  options: SpawnTiedOptions = {},
): Promise<TiedProcess> {
  const killAfterMs = options.killAfterMs ?? 5000;
  const child = spawn('sh', ['-c', SUPERVISOR_SCRIPT, 'sh', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  const { stdin, stdout, stderr } = child;
  if (stdin === null || stdout === null || stderr === null) {
    throw new Error(`Could not open the standard streams of "${command}".`);
  }

  let tail = '';
  const keepTail = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  stdout.on('data', keepTail);
  stderr.on('data', keepTail);

  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, exitSignal) => {
      exitStatus = { code, signal: exitSignal };
      resolve(exitStatus);
    });
  });

  // Closing stdin after the shell is gone raises EPIPE; the exit status already tells the story.
  stdin.on('error', () => {});

  const pid = await readPid(child, command);

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    if (exitStatus !== undefined) return;
    setRef(child, true);
    // Closing the pipe is the shell's cue to SIGTERM the command and wait for it.
    stdin.end();
    let lastResort: NodeJS.Timeout | undefined;
    const killer = setTimeout(() => {
      signal(pid, 'SIGKILL');
      // The shell then reaps the command and exits by itself; killing it too would leave the reaping to init.
      lastResort = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }, killAfterMs);
    await exited;
    clearTimeout(killer);
    clearTimeout(lastResort);
  };

  const tied: TiedProcess = {
    pid,
    stdout,
    stderr,
    exited,
    outputTail: () => tail,
    unref: () => setRef(child, false),
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };

  running.add(tied);
  installExitHook();
  void exited.then(() => running.delete(tied));
  return tied;
}

/** True when an executable named `command` is found on PATH. */
export async function isOnPath(command: string): Promise<boolean> {
  const directories = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of directories) {
    try {
      await access(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return false;
}
