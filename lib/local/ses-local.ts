import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { ValidationError } from '../errors';
import { freePort } from './free-port';

type SesServerModule = typeof import('aws-ses-v2-local');

// A CommonJS module with an `exports.default`: Node's ESM import hands back the exports object under tsx but
// the function under vitest. require() gives the same shape everywhere.
const { default: startSesServer } = createRequire(import.meta.url)('aws-ses-v2-local') as SesServerModule;

const HOST = '127.0.0.1';
const BIND_ATTEMPTS = 5;

export interface SesLocalOptions {
  /** 0 or undefined picks a free port. */
  port?: number;
}

export interface RunningSesLocal {
  /** SES v1 and v2 API; GET / shows the inbox, GET /store returns it as JSON. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Runs the aws-ses-v2-local emulator inside this process. Its inbox is module state, so every server started in
 * one process shares the same received emails.
 */
export async function startSesLocal(options: SesLocalOptions = {}): Promise<RunningSesLocal> {
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) {
    throw new ValidationError(
      'invalid_port',
      `Port must be an integer from 0 to 65535, got ${requestedPort}.`,
    );
  }

  for (let attempt = 1; ; attempt++) {
    const port = requestedPort === 0 ? await freePort(HOST) : requestedPort;
    // The emulator resolves even when listen fails (Express hands the error to a callback it ignores).
    const server = await startSesServer({ host: HOST, port });
    if (server.listening) {
      return { endpoint: `http://${HOST}:${port}`, port, stop: () => closeServer(server) };
    }
    if (requestedPort !== 0) {
      throw new Error(`The local SES endpoint cannot listen on port ${port}: another process is using it.`);
    }
    if (attempt === BIND_ATTEMPTS) {
      throw new Error(
        `The local SES endpoint lost the race for a free port ${BIND_ATTEMPTS} times in a row.`,
      );
    }
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    // close() alone waits for keep-alive sockets (the AWS SDK keeps them open) to time out.
    server.closeAllConnections();
  });
}
