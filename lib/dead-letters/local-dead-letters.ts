import { type Concern, concernOfKeys, type DeadLetter, plainValue } from './dead-letter';

/**
 * `<dataDir>/dead-letters.jsonl` as the local runner writes it: one line per give-up, `{function, reason,
 * at, record}` for a stream record, `{…, event}` for an SNS event, `{…, schedule: true}` for a scheduled
 * run; and the lines `tidings dlq replay` appends, `{replayOf: <line>, at, outcome}`, which mark that line
 * replayed without rewriting it.
 */
export interface ReplayRecord {
  readonly replayOf: number;
  readonly at: string;
  readonly outcome: string;
}

export interface LocalDeadLetters {
  readonly letters: readonly DeadLetter[];
  /** Lines that are not JSON or not a known shape, by line number: reported, never dropped. */
  readonly unreadable: readonly number[];
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function concernsOf(entry: Record<string, unknown>): Concern[] {
  const fn = String(entry.function);
  if (entry.schedule === true) return [{ kind: 'schedule', function: fn }];
  const record = entry.record as { dynamodb?: { Keys?: Record<string, unknown> } } | undefined;
  if (record) {
    const keys = record.dynamodb?.Keys ?? {};
    return [concernOfKeys(plainValue(keys.pk), plainValue(keys.sk))];
  }
  const event = entry.event as { Records?: { Sns?: { MessageId?: string } }[] } | undefined;
  if (event) {
    return [{ kind: 'feedback', messageId: event.Records?.[0]?.Sns?.MessageId ?? '?', event }];
  }
  return [{ kind: 'unknown', detail: 'a dead letter of no known shape' }];
}

/** When a line without `at` (written before it had one) gave up: its stream record's or event's time. */
function whenOf(entry: Record<string, unknown>): string | undefined {
  if (text(entry.at)) return text(entry.at);
  const record = entry.record as { dynamodb?: { ApproximateCreationDateTime?: number } } | undefined;
  const seconds = record?.dynamodb?.ApproximateCreationDateTime;
  if (typeof seconds === 'number') return new Date(seconds * 1000).toISOString();
  const event = entry.event as { Records?: { Sns?: { Timestamp?: string } }[] } | undefined;
  return text(event?.Records?.[0]?.Sns?.Timestamp);
}

export function readLocalDeadLetters(content: string): LocalDeadLetters {
  const letters: DeadLetter[] = [];
  const replayed = new Set<number>();
  const unreadable: number[] = [];
  content.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      unreadable.push(index + 1);
      return;
    }
    if (typeof entry.replayOf === 'number') {
      replayed.add(entry.replayOf);
      return;
    }
    if (typeof entry.function !== 'string') {
      unreadable.push(index + 1);
      return;
    }
    letters.push({
      id: String(index + 1),
      at: whenOf(entry),
      function: entry.function,
      reason: String(entry.reason ?? ''),
      concerns: concernsOf(entry),
    });
  });
  return {
    letters: letters.map((letter) => ({ ...letter, replayed: replayed.has(Number(letter.id)) })),
    unreadable,
  };
}

export const replayLine = (record: ReplayRecord) => `${JSON.stringify(record)}\n`;
