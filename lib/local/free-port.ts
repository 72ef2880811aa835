import { createServer } from 'node:net';

/**
 * Below Linux's default ephemeral range (32768–60999), where the OS never puts the local end of an outgoing
 * connection. A port the OS picks with `listen(0)` comes from that range. In a test run with two workers
 * the SES endpoint found its port taken between this function closing it and the server binding it: most
 * likely by the local end of one of the suite's many client connections (not proven; another worker's
 * pick is the other way it can happen, and random draws from 12,768 ports make that one rare).
 */
const FIRST = 20_000;
const LAST = 32_767;

/** Listens on `port` and closes again: the port, if nobody held it; undefined if somebody does. */
function tryPort(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(undefined) : reject(error),
    );
    server.listen(port, host, () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') {
          reject(new Error(`Could not read the port the OS picked on ${host}.`));
        } else {
          resolve(address.port);
        }
      });
    });
  });
}

/**
 * A port nobody is listening on, drawn at random below the ephemeral range (so two test files rarely draw
 * the same one), else one the OS picks. Another process may still grab it before the caller binds it, so
 * callers that spawn servers must still handle "address in use" (see startDynamoDbLocal).
 */
export async function freePort(host = '127.0.0.1', range = { first: FIRST, last: LAST }): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await tryPort(
      range.first + Math.floor(Math.random() * (range.last - range.first + 1)),
      host,
    );
    if (port !== undefined) return port;
  }
  const port = await tryPort(0, host);
  if (port === undefined) throw new Error(`No free port on ${host}.`);
  return port;
}
