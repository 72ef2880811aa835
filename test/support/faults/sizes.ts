/**
 * `TIDINGS_FAULTS=full` (`npm run test:faults`) runs every fault at full size: more subscribers, longer
 * fault windows. Unset, the short form is small enough to run inside `npm test`.
 */
export const full = process.env.TIDINGS_FAULTS === 'full';

if (process.env.TIDINGS_FAULTS && !full) {
  throw new Error(`TIDINGS_FAULTS must be "full" or unset, got "${process.env.TIDINGS_FAULTS}".`);
}

/** Subscribers who must get each story; of each kind who must not, a tenth as many (at least 3). */
export const MATCHING = full ? 500 : 30;
export const OTHERS = Math.max(3, Math.round(MATCHING / 10));

/** How long a test waits for the stack to settle after a fault: the sweeper's retries take tens of seconds. */
export const SETTLE_MS = full ? 600_000 : 150_000;

/** A fault window's length: long enough to outlast the sender's own retries in the full form. */
export const WINDOW_MS = full ? 8_000 : 2_000;

/** DynamoDB's fault windows, armed once the story is in: long enough to cover its match, fan-out and sends. */
export const DB_WINDOW_MS = full ? 20_000 : 5_000;
