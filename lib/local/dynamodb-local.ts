import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '../errors';
import { isOnPath, spawnTiedToParent, type TiedProcess } from './child-process';
import { freePort } from './free-port';

/** The simulator package is only a carrier for the official jar; we never load its JavaScript. */
const EMULATOR_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const JAR = 'DynamoDBLocal.jar';
const BIND_ATTEMPTS = 5;
const POLL_INTERVAL_MS = 100;
const DEFAULT_START_TIMEOUT_MS = 60_000;

export class JavaMissingError extends Error {
  override name = 'JavaMissingError';

  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer: install it with "apt-get install -y openjdk-17-jre-headless" ' +
        '(Debian/Ubuntu) or from https://adoptium.net, then run again.',
    );
  }
}

export interface DynamoDbLocalOptions {
  projectRoot: string;
  /** 0 or undefined picks a free port. */
  port?: number;
  /** Keep tables in this folder across restarts; without it the data lives in memory only. */
  dbPath?: string;
  startTimeoutMs?: number;
}

export interface RunningDynamoDbLocal {
  /** Always 127.0.0.1: the emulator listens on IPv4 only, and "localhost" may resolve to ::1 first. */
  endpoint: string;
  port: number;
  /** PID of the java process. */
  pid: number;
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);

async function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  try {
    await execFileAsync(command, args, { cwd });
  } catch (error) {
    const stderr =
      typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`"${command} ${args.join(' ')}" failed: ${stderr.trim() || String(error)}`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the folder holding DynamoDBLocal.jar, fetching it once per clone. It lives under node_modules so a
 * clean clone refetches it and wiping local data never deletes it. Concurrent callers (parallel test workers,
 * a test run beside `npm start`) each extract into their own temporary folder and race to rename it into
 * place; rename is atomic, so a loser simply uses the winner's copy.
 */
export async function ensureDynamoDbLocal(projectRoot: string): Promise<string> {
  // Named after the pinned package, so changing the pin fetches the new jar instead of reusing the old one.
  const target = join(projectRoot, 'node_modules', '.cache', 'tidings', EMULATOR_PACKAGE.replace('@', '-'));
  if (await exists(join(target, JAR))) return target;

  const cacheParent = dirname(target);
  await mkdir(cacheParent, { recursive: true });
  const work = await mkdtemp(join(cacheParent, 'dynamodb-local-download-'));
  try {
    await run('npm', ['pack', EMULATOR_PACKAGE, '--pack-destination', work, '--silent'], projectRoot);
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (tarball === undefined)
      throw new Error(`"npm pack ${EMULATOR_PACKAGE}" produced no tarball in ${work}.`);

    const extracted = join(work, 'emulator');
    await mkdir(extracted);
    await run(
      'tar',
      ['-xzf', join(work, tarball), '-C', extracted, '--strip-components=2', 'package/emulator'],
      work,
    );
    if (!(await exists(join(extracted, JAR)))) {
      throw new Error(`${EMULATOR_PACKAGE} no longer ships emulator/${JAR}; pin a version that does.`);
    }

    try {
      await rename(extracted, target);
    } catch (error) {
      if (!(await exists(join(target, JAR)))) {
        throw new Error(`Could not move DynamoDB Local into ${target}; delete that folder and run again.`, {
          cause: error,
        });
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return target;
}

type Launch = { kind: 'running'; running: RunningDynamoDbLocal } | { kind: 'port-taken' };

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningDynamoDbLocal> {
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) {
    throw new ValidationError(
      'invalid_port',
      `Port must be an integer from 0 to 65535, got ${requestedPort}.`,
    );
  }
  // Before fetching ~56 MB that would be useless without Java.
  if (!(await isOnPath('java'))) throw new JavaMissingError();

  const emulatorDir = await ensureDynamoDbLocal(options.projectRoot);
  const dbPath = options.dbPath === undefined ? undefined : resolve(options.dbPath);
  if (dbPath !== undefined) await mkdir(dbPath, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  for (let attempt = 1; ; attempt++) {
    // DynamoDB Local binds every IPv4 interface, so probe the wildcard address, not just loopback.
    const port = requestedPort === 0 ? await freePort('0.0.0.0') : requestedPort;
    const launch = await launchOnPort(emulatorDir, port, dbPath, timeoutMs);
    if (launch.kind === 'running') return launch.running;
    if (requestedPort !== 0) {
      throw new Error(`DynamoDB Local cannot listen on port ${port}: another process is using it.`);
    }
    if (attempt === BIND_ATTEMPTS) {
      throw new Error(
        `DynamoDB Local lost the race for a free port ${BIND_ATTEMPTS} times in a row; run again.`,
      );
    }
  }
}

function javaArgs(emulatorDir: string, port: number, dbPath: string | undefined): string[] {
  return [
    // Jetty logs "Started ServerConnector…{0.0.0.0:<port>}" only at INFO. That line proves this process
    // owns the port: a DynamoDB Local that fails to bind does not exit, and a ListTables probe would then
    // be answered by whoever holds the port.
    '-Dorg.eclipse.jetty.util.log.class=org.eclipse.jetty.util.log.StdErrLog',
    '-Dorg.eclipse.jetty.server.AbstractConnector.LEVEL=INFO',
    `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(emulatorDir, JAR),
    // One database for every credential and region, so the CLI, tests and Lambdas all see the same tables.
    '-sharedDb',
    // Since 1.24 it phones home unless told not to.
    '-disableTelemetry',
    '-port',
    String(port),
    ...(dbPath === undefined ? ['-inMemory'] : ['-dbPath', dbPath]),
  ];
}

async function launchOnPort(
  emulatorDir: string,
  port: number,
  dbPath: string | undefined,
  timeoutMs: number,
): Promise<Launch> {
  const deadline = Date.now() + timeoutMs;
  // DynamoDB Local writes dynamodb-local-metadata.json into its working directory; keep it in the cache.
  const java = await spawnTiedToParent('java', javaArgs(emulatorDir, port, dbPath), { cwd: emulatorDir });
  const fail = async (reason: string): Promise<never> => {
    await java.stop();
    const tail = java.outputTail().trim();
    throw new Error(`DynamoDB Local ${reason}.${tail === '' ? '' : ` Its last output:\n${tail}`}`);
  };

  const binding = await waitForBinding(java, port, deadline);
  if (binding === 'port-taken') {
    await java.stop();
    return { kind: 'port-taken' };
  }
  if (binding === 'exited') return fail('exited while starting');
  if (binding === 'timeout') return fail(`did not open port ${port} within ${timeoutMs} ms`);

  const endpoint = `http://127.0.0.1:${port}`;
  const answer = await waitForListTables(java, endpoint, deadline);
  if (answer === 'exited') return fail('exited while starting');
  if (answer === 'timeout') return fail(`did not answer ListTables on ${endpoint} within ${timeoutMs} ms`);

  java.unref();
  return { kind: 'running', running: { endpoint, port, pid: java.pid, stop: () => java.stop() } };
}

function waitForBinding(
  java: TiedProcess,
  port: number,
  deadline: number,
): Promise<'bound' | 'port-taken' | 'exited' | 'timeout'> {
  return new Promise((settle) => {
    let stderr = '';
    const finish = (outcome: 'bound' | 'port-taken' | 'exited' | 'timeout') => {
      clearTimeout(timer);
      java.stderr.off('data', onData);
      settle(outcome);
    };
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('Started ServerConnector') && stderr.includes(`:${port}}`)) finish('bound');
      else if (stderr.includes('BindException') || stderr.includes('Failed to bind')) finish('port-taken');
    };
    const timer = setTimeout(() => finish('timeout'), Math.max(0, deadline - Date.now()));
    java.stderr.on('data', onData);
    void java.exited.then(() => finish('exited'));
  });
}

async function waitForListTables(
  java: TiedProcess,
  endpoint: string,
  deadline: number,
): Promise<'ready' | 'exited' | 'timeout'> {
  let exited = false;
  void java.exited.then(() => {
    exited = true;
  });
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    while (!exited && Date.now() < deadline) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return 'ready';
      } catch {
        await new Promise((wake) => setTimeout(wake, POLL_INTERVAL_MS));
      }
    }
    return exited ? 'exited' : 'timeout';
  } finally {
    client.destroy();
  }
}
