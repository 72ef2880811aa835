import { type DeadLetter, describeConcern } from '../dead-letters/dead-letter';
import type { Inspected, makeReplayDeadLetters, ReplayOutcome } from '../use-cases/replay-dead-letters';

type Output = NodeJS.WritableStream;
type Replayer = ReturnType<typeof makeReplayDeadLetters>;

/** Where dead letters are kept: locally `dead-letters.jsonl`, on AWS the failure queues. */
export interface DeadLetterSource {
  /** For the summary line: the file, or how many queues. */
  readonly name: string;
  /** Every dead letter, oldest first (locally, those replayed before flagged `replayed`). */
  letters(): Promise<readonly DeadLetter[]>;
  /**
   * The letter's work was re-queued or found done: remember it, so no later run re-queues it (locally a
   * `{replayOf}` line is appended; on AWS the message is deleted, only now that its work is re-queued).
   */
  settle(letter: DeadLetter, outcome: ReplayOutcome, at: Date): Promise<void>;
  /** Lets go of what was read and not settled (on AWS: makes those messages visible again). */
  close(): Promise<void>;
}

export interface DlqCommandOptions {
  readonly source: DeadLetterSource;
  readonly replayer: Replayer;
  readonly stdout: Output;
  readonly stderr: Output;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The letter's overall state: outstanding if any of its concerns is, else done if all are, else left. */
function overall(states: readonly { state: string }[]): 'outstanding' | 'done' | 'left' {
  if (states.some((s) => s.state === 'outstanding')) return 'outstanding';
  return states.length > 0 && states.every((s) => s.state === 'done') ? 'done' : 'left';
}

const what = (items: readonly Inspected[] | readonly { concern: Inspected['concern'] }[]) =>
  items.map((item) => describeConcern(item.concern)).join(', ');

/**
 * `tidings dlq list [--json]`: one line per dead letter, oldest first: when, which function, what it
 * concerns, where that work stands now (read from the table) and why it gave up. Exit 0.
 */
export async function runDlqList(options: DlqCommandOptions & { json: boolean }): Promise<number> {
  const { source, stdout } = options;
  try {
    const all = await source.letters();
    for (const letter of all) {
      const states = await options.replayer.inspect(letter);
      const state = overall(states);
      const notes = states.map((s) => s.note);
      if (options.json) {
        const concerns = states.map((s) => describeConcern(s.concern));
        stdout.write(
          `${JSON.stringify({ id: letter.id, at: letter.at, function: letter.function, concerns, state, notes, reason: letter.reason })}\n`,
        );
      } else {
        stdout.write(
          `${letter.at ?? '(no time)'}  ${letter.function}  ${what(states)}  ${state} (${notes.join(', ')})  ${letter.reason}\n`,
        );
      }
    }
    if (!options.json) options.stderr.write(`${plural(all.length, 'dead letter')} in ${source.name}.\n`);
    return 0;
  } finally {
    await source.close();
  }
}

/**
 * `tidings dlq replay [--dry-run]`: re-queues the work of every dead letter not replayed yet that is still
 * outstanding, and settles each letter it re-queued or found done, so a second run re-queues nothing. A
 * letter whose replay threw, or whose work is left (in flight, gone, to be done by hand), is not settled and
 * is looked at again next time. Exit 1 when a replay threw.
 */
export async function runDlqReplay(options: DlqCommandOptions & { dryRun: boolean; now: () => Date }) {
  const { source, stdout, stderr } = options;
  const counts = { requeued: 0, done: 0, left: 0, failed: 0 };
  let total = 0;
  try {
    const all = (await source.letters()).filter((letter) => !letter.replayed);
    total = all.length;
    for (const letter of all) {
      if (options.dryRun) {
        const states = await options.replayer.inspect(letter);
        const state = overall(states);
        counts[state === 'outstanding' ? 'requeued' : state]++;
        stdout.write(`would ${state === 'outstanding' ? 're-queue' : 'leave'} ${what(states)} (${state})\n`);
        continue;
      }
      let results: Awaited<ReturnType<Replayer['replay']>>;
      try {
        results = await options.replayer.replay(letter);
      } catch (error) {
        counts.failed++;
        stderr.write(
          `${letter.function} dead letter ${letter.id}: replay failed, try again: ${(error as Error).message}\n`,
        );
        continue;
      }
      const outcome: ReplayOutcome = results.some((r) => r.outcome === 'left')
        ? 'left'
        : results.some((r) => r.outcome === 'requeued')
          ? 'requeued'
          : 'done';
      counts[outcome]++;
      stdout.write(`${outcome} ${what(results)} (${results.map((r) => r.note).join(', ')})\n`);
      if (outcome !== 'left') await source.settle(letter, outcome, options.now());
    }
  } finally {
    await source.close();
  }
  const verb = options.dryRun ? 'would re-queue' : 're-queued';
  stderr.write(
    `${plural(total, 'dead letter')} not replayed before in ${source.name}: ${verb} ${counts.requeued}, ${counts.done} done, ${counts.left} left as they are${counts.failed > 0 ? `, ${counts.failed} failed` : ''}.\n`,
  );
  return counts.failed > 0 ? 1 : 0;
}
