import { createServer } from 'node:net';

/**
 * Asks the OS for a port nobody is listening on. Another process may grab it before the caller binds it,
 * so callers that spawn servers must still handle "address in use" (see startDynamoDbLocal).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
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
