import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, it } from 'vitest';
import { crashAndRestart } from '../support/faults/crashing-runner';
import { expectExactlyOnce } from '../support/faults/inbox';
import { MATCHING, SETTLE_MS } from '../support/faults/sizes';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('the local runner killed in the middle of a fan-out, then restarted', () => {
  it(
    'the restarted runner finishes the fan-out from its stream checkpoint, and everyone gets the story once',
    async () => {
      const nth = Math.ceil(MATCHING / 2);
      const run = await crashAndRestart('faults-fan-out', 'okapi', `delivery-put:${nth}`, children);
      expectExactlyOnce(
        `npm start kill -9 mid-fan-out (queued delivery ${nth} of ${MATCHING}), restarted`,
        run.accepted,
      );
    },
    SETTLE_MS + 180_000,
  );
});
