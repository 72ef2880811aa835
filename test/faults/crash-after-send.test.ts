import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { crashAndRestart } from '../support/faults/crashing-runner';
import { expectExactlyOnce } from '../support/faults/inbox';
import { MATCHING, SETTLE_MS } from '../support/faults/sizes';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * SES took the message and the worker died before the ledger heard: without SES's Send event recording
 * it (README "Exactly once"), the sweeper would send it again (this case saw 3 of 30, 4 of 500, before).
 */
describe('the send function killed after SES accepted a message, before recording it', () => {
  it(
    'after the restart everyone has the story exactly once',
    async () => {
      const nth = Math.ceil(MATCHING / 3);
      const run = await crashAndRestart('faults-after-send', 'tapir', `after-send:${nth}`, children);
      expect(run.acceptedAtKill).toBeGreaterThanOrEqual(nth);
      expect(run.acceptedAtKill).toBeLessThan(MATCHING);
      expectExactlyOnce(
        `kill -9 after SES accepted, before the ledger (send ${nth} of ${MATCHING})`,
        run.accepted,
      );
    },
    SETTLE_MS + 180_000,
  );
});
