import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, type TestStack } from './local-stack';

export interface CliRun {
  /** The exit code; -1 when the process was killed (by `timeout` or a signal) rather than exiting. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Piped to the command's standard input, then closed. */
  readonly stdin?: string;
  /** Set on top of the stack's own variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Milliseconds before the command is killed, so a hung CLI fails its test instead of stalling the run. */
  readonly timeout?: number;
}

/** `npx tidings …` as an operator runs it beside `npm start`: the stack found from the same variables. */
export function tidingsCli(
  stack: TestStack,
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [join(projectRoot, 'bin/tidings.js'), ...args],
      {
        cwd: options.cwd ?? projectRoot,
        timeout: options.timeout ?? 60_000,
        env: {
          ...process.env,
          PORT: String(stack.ports.api),
          DYNAMODB_PORT: String(stack.ports.dynamodb),
          SES_PORT: String(stack.ports.ses),
          TIDINGS_DATA_DIR: stack.dataDir,
          TIDINGS_INGEST_KEY: stack.ingestKey,
          ...options.env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.stdin ?? '');
  });
}
