/** What Lambda reports when an invocation runs past the function's timeout. */
export class LambdaTimeoutError extends Error {
  override name = 'LambdaTimeoutError';

  constructor(readonly seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
  }
}

/**
 * Fails an invocation that runs past the function's timeout, as Lambda does, so work that would time out
 * on AWS times out under `npm start` and in the tests too. Lambda also stops the work itself; here it goes
 * on in the background (one process runs every function), which only ever adds writes the ledger's
 * conditions make harmless, and the caller treats the invocation as failed all the same.
 */
export function withLambdaTimeout<E, R>(
  handler: (event: E) => Promise<R>,
  timeoutSeconds: number,
): (event: E) => Promise<R> {
  return (event) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaTimeoutError(timeoutSeconds)), timeoutSeconds * 1000);
    });
    return Promise.race([handler(event), timedOut]).finally(() => clearTimeout(timer));
  };
}
