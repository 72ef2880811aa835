import type { IncomingMessage } from 'node:http';

/** The client closed the connection before its body was in: there is nobody left to answer. */
export class ClientGoneError extends Error {
  override name = 'ClientGoneError';
}

/** What a body over the limit gets instead of its bytes, so the caller answers 413. */
export const TOO_LARGE = Symbol('too large');

/**
 * How much more of a refused body is read and thrown away after the 413 is sent. A client that is still
 * uploading when the server closes gets a reset that can destroy the answer it has not read yet, so the
 * rest is drained first (as API Gateway does); past this, a sender that never stops is cut off.
 */
const DRAIN_BYTES = 16 * 1024 * 1024;

/**
 * The body's bytes, or TOO_LARGE as soon as it is known to exceed `limit`: at once from a Content-Length
 * over it, or when a chunked body passes it. The stream is never destroyed, so the 413 can still be sent.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size <= limit) return;
      stop();
      req.pause();
      resolve(TOO_LARGE);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = () => {
      stop();
      reject(new ClientGoneError('The client closed the connection before sending its whole body.'));
    };
    req.on('data', onData).once('end', onEnd).once('error', onError);
  });
}

/** Reads what is left of a refused body and drops it, cutting off a sender that goes on past DRAIN_BYTES. */
export function drainBody(req: IncomingMessage): void {
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_BYTES) req.socket.destroy();
  });
  // Once the connection is gone there is nothing to drain; the error says only that.
  req.on('error', () => {});
  req.resume();
}
