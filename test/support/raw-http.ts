import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface RawRequest {
  /**
   * The request head, up to and without the blank line: written exactly as given, lies included. A Buffer
   * is written byte for byte (raw bytes in a path or header, which a string would send as UTF-8).
   */
  readonly head: string | Buffer;
  /** Body bytes, written in pieces of `pieceBytes` (as a slow or chunked sender would). */
  readonly body?: Buffer | string;
  readonly pieceBytes?: number;
  /** Half-close once the body is written, as a client that gives up on a longer promised body does. */
  readonly endAfterBody?: boolean;
  readonly timeoutMs?: number;
}

/**
 * Speaks HTTP/1.1 over a bare socket, for requests fetch refuses to send (a Host with a space, a
 * Content-Length that lies, a malformed escape). Resolves with the first response, or undefined when the
 * server closed the connection without one; rejects when none came within the timeout (a hang).
 */
export function rawRequest(port: number, request: RawRequest): Promise<RawAnswer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`No answer within ${request.timeoutMs ?? 5000} ms to:\n${request.head}`));
    }, request.timeoutMs ?? 5000);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(received)));
    };
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (parseAnswer(Buffer.concat(received))) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    // A server that answers early and closes may reset the connection while the body is still going out.
    socket.on('error', () => {});
    socket.once('connect', async () => {
      socket.write(Buffer.concat([Buffer.from(request.head), Buffer.from('\r\n\r\n')]));
      const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
      const piece = request.pieceBytes ?? 64 * 1024;
      for (let at = 0; body && at < body.length && !socket.destroyed; at += piece) {
        const more = socket.write(body.subarray(at, at + piece));
        if (!more) await new Promise((drained) => socket.once('drain', drained));
      }
      if (request.endAfterBody && !socket.destroyed) socket.end();
    });
  });
}

/** The response once its head and (Content-Length) body are all in; undefined while incomplete. */
function parseAnswer(bytes: Buffer): RawAnswer | undefined {
  const text = bytes.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine.split(' ')[1]);
  const rest = bytes.subarray(Buffer.byteLength(text.slice(0, headEnd + 4)));
  if (headers['transfer-encoding'] === 'chunked') {
    const body = unchunked(rest);
    return body === undefined ? undefined : { status, headers, body: body.toString('utf8') };
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(length) && rest.length < length) return undefined;
  return { status, headers, body: rest.toString('utf8') };
}

/** A chunked body's bytes once its last chunk is in; undefined while more are due. */
function unchunked(framed: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = framed.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(framed.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (framed.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(framed.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** A chunked body as `Transfer-Encoding: chunked` frames it, in chunks of `size` bytes. */
export function chunked(body: Buffer, size: number): Buffer {
  const frames: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const chunk = body.subarray(at, at + size);
    frames.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  frames.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(frames);
}
