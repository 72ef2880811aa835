import { appendFile, readFile } from 'node:fs/promises';
import type { DeadLetterSource } from '../cli/dlq-command';
import { readLocalDeadLetters, replayLine } from './local-dead-letters';

/**
 * `<dataDir>/dead-letters.jsonl` as a source: a missing file is no dead letters; a replay is recorded by
 * appending a line, never by rewriting the file, so no line the local stack writes meanwhile is lost.
 */
export function localDeadLetterSource(path: string, stderr: NodeJS.WritableStream): DeadLetterSource {
  return {
    name: path,
    async letters() {
      let content: string;
      try {
        content = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const read = readLocalDeadLetters(content);
      for (const line of read.unreadable)
        stderr.write(`${path}:${line}: not a dead letter; left as it is.\n`);
      return read.letters;
    },
    async settle(letter, outcome, at) {
      await appendFile(path, replayLine({ replayOf: Number(letter.id), at: at.toISOString(), outcome }));
    },
    async close() {},
  };
}
