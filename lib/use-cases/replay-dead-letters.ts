import {
  type Concern,
  concernOfKeys,
  type DeadLetter,
  type StreamPointer,
} from '../dead-letters/dead-letter';
import type { Clock } from '../ports';

/** Where a dead letter's work stands now, read from the table (never from the letter, which is old). */
export type WorkState =
  /** Still to do: replay re-queues it. */
  | { readonly state: 'outstanding'; readonly note: string }
  /** Finished (sent, skipped, failed for good) or already replayed: replay leaves it. */
  | { readonly state: 'done'; readonly note: string }
  /** Cannot be re-queued from here (gone from the table, in flight, of no known shape): said why. */
  | { readonly state: 'left'; readonly note: string };

/** What replay needs of the table, by the items dead letters name. */
export interface DeadLetterTable {
  /** The delivery's status (`queued`, `sending`, `retry`, `sent`, …); undefined when it is gone. */
  deliveryStatus(subscriberId: string, key: string): Promise<string | undefined>;
  /**
   * Sets `replayedAt` on the delivery, and `status` to `queued`, only while its status is still `from`:
   * the MODIFY that emits passes the send function's filter. False when it moved on meanwhile.
   */
  requeueDelivery(subscriberId: string, key: string, from: string, at: Date): Promise<boolean>;
  /** Sets `replayedAt` on the article if it exists (a MODIFY the match function takes); false when gone. */
  touchArticle(articleId: string, at: Date): Promise<boolean>;
  /** The fan-out chunk's current item; undefined when gone. */
  chunk(chunkKey: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * Runs a function once as its trigger would. `fn` is the function's manifest name, or on AWS the ARN the
 * dead letter names (so a replay reaches the stack the letter came from).
 */
export interface FunctionRunner {
  /** A stream record of the item as it is now (an INSERT, as the function's filter wants). */
  streamItem(fn: string, item: Record<string, unknown>): Promise<void>;
  sns(fn: string, event: unknown): Promise<void>;
  schedule(fn: string): Promise<void>;
}

/** Reads the records a stream pointer names, while the stream still has them (24 hours). */
export interface StreamRecords {
  /** The keys of the batch's records; undefined when the stream no longer holds them. */
  keysOf(pointer: StreamPointer): Promise<readonly { pk: unknown; sk: unknown }[] | undefined>;
}

/** A delivery in one of these was finished, one way or the other: replay never sends it again. */
const FINISHED = new Set(['sent', 'skipped', 'failed']);
/** Waiting to be sent (`queued`) or put aside for a retry (`retry`): no sender holds it, none sent it. */
const REQUEUABLE = new Set(['queued', 'retry']);

export type ReplayOutcome = 'requeued' | 'done' | 'left';

/** A concern of a letter (a stream pointer's read into its items) and where its work stands. */
export type Inspected = WorkState & { readonly concern: Concern };
export interface Replayed {
  readonly concern: Concern;
  readonly outcome: ReplayOutcome;
  readonly note: string;
}

/**
 * Replay reads each dead letter's item again and re-queues only work that is still outstanding. Why this
 * is safe to run any number of times, and the same on AWS:
 * - a delivery is re-queued by a conditional update (status still `queued` or `retry`), and sending still
 *   goes through the send function's conditional claim, so nothing is ever sent twice; a sent one is done;
 * - an article is touched, and the match function re-matches it: the ledger keys alerts by story, so
 *   whoever already has the story is not alerted again;
 * - a fan-out chunk's filter takes INSERTs only, so a touch would not reach it: its function is run on the
 *   chunk as it is now, and its delivery creates are conditional;
 * - an SNS event is handed to its function again (applying mail feedback is idempotent: a bounce is
 *   counted once per SES feedback id);
 *   a scheduled run is run once more (every schedule is a sweep over what is due).
 * Touching the item rather than calling the function keeps the real path: the stream's filter, retries and
 * failure queue, with no credentials beyond the table's.
 */
export function makeReplayDeadLetters(deps: {
  table: DeadLetterTable;
  /** Absent when nothing may run a function: what needs one is left, with how to do it by hand. */
  run?: FunctionRunner;
  /** Absent locally, where dead letters carry their records' keys. */
  stream?: StreamRecords;
  clock: Clock;
}) {
  /** The letter's concerns, a stream pointer replaced by the items of its records while they exist. */
  async function concernsOf(letter: DeadLetter): Promise<Concern[]> {
    const found: Concern[] = [];
    for (const concern of letter.concerns) {
      if (concern.kind !== 'stream-batch' || !deps.stream) {
        found.push(concern);
        continue;
      }
      const keys = await deps.stream.keysOf(concern.pointer);
      if (!keys) found.push(concern);
      else found.push(...keys.map(({ pk, sk }) => concernOfKeys(pk, sk)));
    }
    return found;
  }

  const byHand = (fn: string): WorkState => ({
    state: 'left',
    note: `run the ${fn} function by hand (aws lambda invoke with the stored event)`,
  });

  async function stateOf(letter: DeadLetter, concern: Concern): Promise<WorkState> {
    switch (concern.kind) {
      case 'delivery': {
        const status = await deps.table.deliveryStatus(concern.subscriberId, concern.key);
        if (status === undefined) return { state: 'left', note: 'the delivery is gone from the table' };
        if (FINISHED.has(status)) return { state: 'done', note: status };
        if (status === 'sending') {
          return {
            state: 'left',
            note: 'claimed by a sender: the sweeper re-queues it if the claim goes stale',
          };
        }
        if (REQUEUABLE.has(status)) return { state: 'outstanding', note: status };
        return { state: 'left', note: `status ${status}: not one replay re-queues` };
      }
      case 'chunk':
      case 'feedback':
      case 'schedule':
        if (!deps.run)
          return byHand(
            concern.kind === 'schedule' ? concern.function : concern.kind === 'chunk' ? 'fanout' : 'feedback',
          );
        return letter.replayed
          ? { state: 'done', note: 'replayed' }
          : { state: 'outstanding', note: 'not replayed' };
      case 'article':
        return letter.replayed
          ? { state: 'done', note: 'replayed' }
          : { state: 'outstanding', note: 'not replayed' };
      case 'stream-batch':
        return {
          state: 'left',
          note: "past the stream's 24 h: run sweep / re-drive by hand",
        };
      case 'unknown':
        return { state: 'left', note: 'not a dead letter replay knows' };
    }
  }

  async function replayOne(letter: DeadLetter, concern: Concern, state: WorkState): Promise<ReplayOutcome> {
    const now = deps.clock.now();
    const run = deps.run;
    const target = (name: string) => letter.functionArn ?? name;
    switch (concern.kind) {
      case 'delivery':
        return (await deps.table.requeueDelivery(concern.subscriberId, concern.key, state.note, now))
          ? 'requeued'
          : 'left';
      case 'article':
        return (await deps.table.touchArticle(concern.articleId, now)) ? 'requeued' : 'left';
      case 'chunk': {
        if (!run) return 'left';
        const item = await deps.table.chunk(concern.chunkKey);
        if (!item) return 'left';
        await run.streamItem(target('fanout'), item);
        return 'requeued';
      }
      case 'feedback':
        if (!run) return 'left';
        await run.sns(target('feedback'), concern.event);
        return 'requeued';
      case 'schedule':
        if (!run) return 'left';
        await run.schedule(target(concern.function));
        return 'requeued';
      default:
        return 'left';
    }
  }

  return {
    /** 1. read each concern's item 2. say whether its work is outstanding, done or cannot be replayed */
    async inspect(letter: DeadLetter): Promise<Inspected[]> {
      const concerns = await concernsOf(letter);
      return Promise.all(concerns.map(async (concern) => ({ concern, ...(await stateOf(letter, concern)) })));
    },
    /**
     * 1. inspect 2. re-queue each outstanding concern 3. report what became of each: `done` and `left`
     * ones are untouched. A concern that throws is reported by the caller and stays outstanding.
     */
    async replay(letter: DeadLetter): Promise<Replayed[]> {
      const results: Replayed[] = [];
      for (const concern of await concernsOf(letter)) {
        const state = await stateOf(letter, concern);
        if (state.state !== 'outstanding') {
          results.push({ concern, outcome: state.state, note: state.note });
          continue;
        }
        const outcome = await replayOne(letter, concern, state);
        results.push({ concern, outcome, note: outcome === 'left' ? 'it moved on or is gone' : state.note });
      }
      return results;
    },
  };
}
