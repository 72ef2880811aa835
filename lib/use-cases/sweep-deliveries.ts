import type { Clock, SendLedger } from '../ports';

export interface SweepResult {
  /** Claims whose worker died (or timed out) before finishing, queued to be sent again. */
  readonly staleClaims: number;
  /** Deliveries put aside after a failure whose retry time came. */
  readonly retries: number;
}

/** Reads per shard and run; a backlog larger than this is finished by the next runs. */
const PAGE = 100;
const PAGES_PER_SHARD = 20;

/**
 * 1. read each shard of the sweep index up to now: only in-flight deliveries are on it, so no scan
 * 2. queue each one again unless it moved on since it was read; the MODIFY to 'queued' is what the send
 *    function's stream trigger picks up, so the send path is the same as for a new delivery
 * A stale claim SES in fact accepted is normally off the index already: SES's Send event recorded it sent
 * within seconds, long before the claim timeout (see README, "Exactly once").
 */
export function makeSweepDeliveries(deps: {
  deliveries: Pick<SendLedger, 'dueForSweep' | 'requeue'>;
  clock: Clock;
  shards: number;
}) {
  return async function sweepDeliveries(): Promise<SweepResult> {
    const now = deps.clock.now();
    let staleClaims = 0;
    let retries = 0;
    for (let shard = 0; shard < deps.shards; shard++) {
      for (let page = 0; page < PAGES_PER_SHARD; page++) {
        const due = await deps.deliveries.dueForSweep(shard, now, PAGE);
        for (const entry of due) {
          if (!(await deps.deliveries.requeue(entry, now))) continue;
          if (entry.status === 'sending') staleClaims++;
          else retries++;
        }
        if (due.length < PAGE) break;
      }
    }
    return { staleClaims, retries };
  };
}
