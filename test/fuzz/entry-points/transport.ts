import fc from 'fast-check';
import { apiRoutes } from '../../../lib/http/routes';
import { hostileComponent, hostileText } from '../inputs';
import { authed, type EntryPoint } from './request-parts';

const routePaths = [...new Set(apiRoutes().map((r) => r.path.replace('{id}', 'abc123')))];

/**
 * What only a raw socket can send: malformed escapes and raw bytes in the target, odd, missing, huge and
 * repeated Host headers, duplicate headers, lying lengths, chunked bodies past the limit, odd methods.
 */
export const transport: EntryPoint = (context) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom(...routePaths), hostileComponent, fc.constantFrom('GET', 'POST', 'HEAD'))
      .map(([path, bad, method]) => ({ method, target: `${path}/${bad}`, label: 'hostile path segment' })),
    fc
      .tuple(fc.constantFrom(...routePaths), fc.uint8Array({ minLength: 1, maxLength: 20 }))
      .map(([path, bytes]) => ({
        method: 'GET',
        target: Buffer.concat([
          Buffer.from(`${path}?q=`),
          Buffer.from(bytes.filter((b) => b > 0x20 && b !== 0x7f)),
        ]),
        label: 'raw bytes in the query',
      })),
    fc
      .tuple(fc.constantFrom(...routePaths), fc.uint8Array({ minLength: 1, maxLength: 20 }))
      .map(([path, bytes]) => ({
        method: 'GET',
        target: Buffer.concat([Buffer.from(path), Buffer.from(bytes.filter((b) => b >= 0x80))]),
        label: 'raw bytes in the path',
      })),
    fc
      .tuple(
        fc.constantFrom(...routePaths),
        fc.oneof(
          fc.constantFrom(
            '',
            ' ',
            'a b',
            'x/y',
            'x@y',
            '[::1',
            '[::1]:99999',
            'localhost:-1',
            'localhost:abc',
            '%',
            '..',
            'a'.repeat(300),
            'é.example',
            '\u0000',
            'localhost:3000, evil.example',
          ),
          hostileText.map((t) => t.replace(/[\r\n]/g, '').replaceAll(String.fromCharCode(0), '')),
          fc.integer({ min: 1000, max: 60_000 }).map((n) => 'h'.repeat(n)),
        ),
      )
      .map(([path, host]) => ({
        method: 'GET',
        target: path,
        headers: [['Host', host]] as [string, string][],
        label: 'odd Host',
      })),
    fc
      .constantFrom(...routePaths)
      .map((path) => ({ method: 'GET', target: path, noHost: true, label: 'no Host' })),
    fc.constantFrom(...routePaths).map((path) => ({
      method: 'GET',
      target: path,
      headers: [
        ['Host', 'a.example'],
        ['Host', 'b.example'],
      ] as [string, string][],
      label: 'two Host headers',
    })),
    fc
      .tuple(
        fc.constantFrom('Content-Type', 'Authorization', 'Accept', 'Content-Length', 'Cookie', 'Origin'),
        fc.constantFrom(...routePaths),
      )
      .map(([name, path]) => ({
        method: 'POST',
        target: path,
        headers: [
          [name, 'application/json'],
          [name, `text/html, Bearer ${context.ingestKey}`],
          authed(context),
        ] as [string, string][],
        body: '{"email":"dup@example.com","topics":["Iran"],"text":"Iran and Iraq."}',
        rawFraming: name === 'Content-Length',
        label: `duplicate ${name}`,
      })),
    fc
      .tuple(
        fc.constantFrom(...routePaths),
        fc.constantFrom('lots', '-1', '1e3', '99999999999999999999', '0x10', '5, 6'),
      )
      .map(([path, length]) => ({
        method: 'POST',
        target: path,
        headers: [
          ['Content-Length', length],
          ['Content-Type', 'application/json'],
        ] as [string, string][],
        body: '{}',
        label: `Content-Length ${length}`,
      })),
    fc
      .tuple(
        fc.constantFrom('/articles', '/subscriptions', '/feeds', '/preferences'),
        fc.constantFrom(1, 1024 * 1024 + 1, 3 * 1024 * 1024),
      )
      .map(([path, size]) => ({
        method: 'POST',
        target: path,
        headers: [['Transfer-Encoding', 'chunked'], ['Content-Type', 'text/plain'], authed(context)] as [
          string,
          string,
        ][],
        body: chunkedBody(size),
        rawFraming: true,
        label: `chunked body of ${size} bytes`,
      })),
    fc
      .tuple(
        fc.constantFrom(...routePaths),
        fc.constantFrom('PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT', 'FOO', 'get', 'PROPFIND'),
      )
      .map(([path, method]) => ({ method, target: path, label: `method ${method}` })),
    fc.tuple(fc.constantFrom(...routePaths), fc.integer({ min: 8000, max: 90_000 })).map(([path, size]) => ({
      method: 'GET',
      target: path,
      headers: [['X-Big', 'v'.repeat(size)]] as [string, string][],
      label: 'huge header',
    })),
    fc
      .constantFrom(
        '*',
        'http://localhost/',
        'http://evil.example/articles',
        'example.com:80',
        '//evil.example/x',
        '/?',
        '/#frag',
        '/%00',
        '/\\..\\',
      )
      .map((target) => ({ method: 'GET', target, label: 'odd request target' })),
  );

function chunkedBody(size: number): Buffer {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const frames: Buffer[] = [];
  for (let left = size; left > 0; left -= chunk.length) {
    const piece = chunk.subarray(0, Math.min(left, chunk.length));
    frames.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  frames.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(frames);
}
