import { appendFile, readFile } from 'node:fs/promises';
import { type DeadLetter, describeConcern } from '../dead-letters/dead-letter';
import { readLocalDeadLetters, replayLine } from '../dead-letters/local-dead-letters';
import type { makeReplayDeadLetters, WorkState } from '../use-cases/replay-dead-letters';

type Output = NodeJS.WritableStream;
type Replayer = ReturnType<typeof makeReplayDeadLetters>;

export interface DlqCommandOptions {
  /** `<dataDir>/dead-letters.jsonl`. */
  readonly path: string;
  readonly replayer: Replayer;
  readonly stdout: Output;
  readonly stderr: Output;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The file's letters; none when it does not exist (nothing ever gave up). */
async function letters(path: string, stderr: Output): Promise<readonly DeadLetter[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const read = readLocalDeadLetters(content);
  for (const line of read.unreadable) stderr.write(`${path}:${line}: not a dead letter; left as it is.\n`);
  return read.letters;
}

/** The letter's overall state: outstanding if any of its concerns is, else done if all are, else left. */
function overall(states: readonly WorkState[]): WorkState['state'] {
  if (states.some((s) => s.state === 'outstanding')) return 'outstanding';
  return states.every((s) => s.state === 'done') ? 'done' : 'left';
}

const what = (letter: DeadLetter) => letter.concerns.map(describeConcern).join(', ');

/**
 * `tidings dlq list [--json]`: one line per dead letter, oldest first: when, which function, what it
 * concerns, where that work stands now (read from the table) and why it gave up. Exit 0.
 */
export async function runDlqList(options: DlqCommandOptions & { json: boolean }): Promise<number> {
  const all = await letters(options.path, options.stderr);
  for (const letter of all) {
    const states = await options.replayer.inspect(letter);
    const state = overall(states);
    if (options.json) {
      options.stdout.write(
        `${JSON.stringify({ id: letter.id, at: letter.at, function: letter.function, concerns: letter.concerns.map(describeConcern), state, notes: states.map((s) => s.note), reason: letter.reason })}\n`,
      );
      continue;
    }
    const notes = states.map((s) => s.note).join(', ');
    options.stdout.write(
      `${letter.at ?? '(no time)'}  ${letter.function}  ${what(letter)}  ${state} (${notes})  ${letter.reason}\n`,
    );
  }
  if (!options.json) options.stderr.write(`${plural(all.length, 'dead letter')} in ${options.path}.\n`);
  return 0;
}

/**
 * `tidings dlq replay [--dry-run]`: re-queues the work of every dead letter not replayed yet that is still
 * outstanding, and appends a `{replayOf, at, outcome}` line for each letter it re-queued or found done (the file is only
 * ever appended to, so no line is lost), so a second run re-queues nothing. A letter whose replay threw
 * gets no line and is tried again next time. Exit 1 when one threw.
 */
export async function runDlqReplay(options: DlqCommandOptions & { dryRun: boolean; now: () => Date }) {
  const all = (await letters(options.path, options.stderr)).filter((letter) => !letter.replayed);
  const counts = { requeued: 0, done: 0, left: 0, failed: 0 };
  for (const letter of all) {
    if (options.dryRun) {
      const state = overall(await options.replayer.inspect(letter));
      if (state === 'outstanding') counts.requeued++;
      else counts[state]++;
      options.stdout.write(
        `would ${state === 'outstanding' ? 're-queue' : 'leave'} ${what(letter)} (${state})\n`,
      );
      continue;
    }
    let results: Awaited<ReturnType<Replayer['replay']>>;
    try {
      results = await options.replayer.replay(letter);
    } catch (error) {
      counts.failed++;
      options.stderr.write(`${what(letter)}: replay failed, try again: ${(error as Error).message}\n`);
      continue;
    }
    const outcome = results.some((r) => r.outcome === 'requeued')
      ? 'requeued'
      : results.every((r) => r.outcome === 'done')
        ? 'done'
        : 'left';
    counts[outcome]++;
    options.stdout.write(`${outcome} ${what(letter)} (${results.map((r) => r.note).join(', ')})\n`);
    // A letter left as it is (in flight, gone) is looked at again next time; it may be outstanding then.
    if (outcome === 'left') continue;
    await appendFile(
      options.path,
      replayLine({ replayOf: Number(letter.id), at: options.now().toISOString(), outcome }),
    );
  }
  const verb = options.dryRun ? 'would re-queue' : 're-queued';
  options.stderr.write(
    `${plural(all.length, 'dead letter')} not replayed before: ${verb} ${counts.requeued}, ${counts.done} done, ${counts.left} left as they are${counts.failed > 0 ? `, ${counts.failed} failed` : ''}.\n`,
  );
  return counts.failed > 0 ? 1 : 0;
}
