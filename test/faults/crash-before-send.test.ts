import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { crashAndRestart } from '../support/faults/crashing-runner';
import { expectExactlyOnce } from '../support/faults/inbox';
import { MATCHING, SETTLE_MS } from '../support/faults/sizes';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('the send function killed after claiming a delivery, before sending it', () => {
  it(
    'the dead claim is queued again after the restart, and everyone gets the story exactly once',
    async () => {
      const nth = Math.ceil(MATCHING / 3);
      const run = await crashAndRestart('faults-before-send', 'wombat', `before-send:${nth}`, children);
      // Killed mid-send: some of the story was out, not all of it.
      expect(run.acceptedAtKill).toBeLessThan(MATCHING);
      expectExactlyOnce(`kill -9 after a claim, before its send (send ${nth} of ${MATCHING})`, run.accepted);
      // The outbox agrees with what SES accepted.
    },
    SETTLE_MS + 180_000,
  );
});
