import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/free-port';

describe('freePort', () => {
  it('returns a port that a server can then listen on', async () => {
    const port = await freePort();
    // Below the ephemeral range, where no outgoing connection's local end can take it first.
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(32_768);

    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not hand out a port someone is listening on', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const taken = typeof address === 'object' && address !== null ? address.port : -1;

    const picks = await Promise.all(Array.from({ length: 20 }, () => freePort()));

    expect(picks).not.toContain(taken);
    await new Promise((resolve) => server.close(resolve));
  });

  it('draws again past a taken port, and asks the OS when every draw is taken', async () => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const address = held.address();
    const taken = typeof address === 'object' && address !== null ? address.port : -1;

    const beside = await freePort('127.0.0.1', { first: taken, last: taken + 1 });
    expect(beside).toBe(taken + 1);
    const fallback = await freePort('127.0.0.1', { first: taken, last: taken });
    expect(fallback).not.toBe(taken);
    expect(fallback).toBeGreaterThan(0);
    await new Promise((resolve) => held.close(resolve));
  });
});
