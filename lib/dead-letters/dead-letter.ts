/**
 * Dead letters read into what they concern, so an operator can tell what work a give-up left undone and
 * re-queue it from the table (see README, "Runbook: dead letters"). Pure: no AWS SDK, no file system.
 */

/** An item a stream consumer gave up on, named by what the table holds for it. */
export type ItemConcern =
  /** The match function's input: an article's INSERT or MODIFY. */
  | { readonly kind: 'article'; readonly articleId: string }
  /** The fanout function's input: one chunk of an article's recipients (`FANOUT#article#plan#n`). */
  | { readonly kind: 'chunk'; readonly chunkKey: string }
  /** The send function's input: one delivery of the ledger. */
  | { readonly kind: 'delivery'; readonly subscriberId: string; readonly key: string };

export type Concern =
  | ItemConcern
  /** An SNS message the feedback function gave up on; the event itself is kept, as SNS keeps it. */
  | { readonly kind: 'feedback'; readonly messageId: string; readonly event: unknown }
  /** A scheduled run that failed: replaying it runs the function once. */
  | { readonly kind: 'schedule'; readonly function: string }
  /**
   * A stream batch known only by its position (the DLQ message of a Lambda stream mapping carries no keys):
   * its records are read from the stream while it still has them (24 hours); after that it is listed, with
   * what to do by hand, and never replayed.
   */
  | { readonly kind: 'stream-batch'; readonly function: string; readonly pointer: StreamPointer }
  /** Something this reader cannot place; listed, never replayed. */
  | { readonly kind: 'unknown'; readonly detail: string };

/** Lambda's `DDBStreamBatchInfo`: where in the stream a failed batch lies. */
export interface StreamPointer {
  readonly streamArn: string;
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly batchSize: number;
  readonly firstArrival: string | undefined;
  readonly lastArrival: string | undefined;
}

export interface DeadLetter {
  /** Stable within its source: the line number locally, the SQS message id on AWS. */
  readonly id: string;
  /** When it gave up (ISO), when known. */
  readonly at: string | undefined;
  readonly function: string;
  /**
   * On AWS, the Lambda function the letter names (an on-failure record's `requestContext.functionArn`, a
   * schedule DLQ's `TARGET_ARN`): a replay that runs a function invokes this one, of this very stack.
   */
  readonly functionArn?: string;
  readonly reason: string;
  readonly concerns: readonly Concern[];
  /** Locally: a replay record for this line was already appended. */
  readonly replayed?: boolean;
}

/** The item a stream record is about, from its keys (`dynamodb.Keys`, unmarshalled). */
export function concernOfKeys(pk: unknown, sk: unknown): Concern {
  const p = String(pk);
  const s = String(sk);
  if (p.startsWith('ARTICLE#') && s === 'ARTICLE') return { kind: 'article', articleId: p.slice(8) };
  if (p.startsWith('FANOUT#') && s === 'CHUNK') return { kind: 'chunk', chunkKey: p };
  if (p.startsWith('SUB#') && s.startsWith('DELIVERY#')) {
    return { kind: 'delivery', subscriberId: p.slice(4), key: s.slice(9) };
  }
  return { kind: 'unknown', detail: `item ${p} / ${s}` };
}

/** Strings of DynamoDB's wire format (`{S: "…"}`) or plain values, as a stream record's keys come. */
export function plainValue(value: unknown): unknown {
  if (value && typeof value === 'object' && 'S' in value) return (value as { S: unknown }).S;
  if (value && typeof value === 'object' && 'N' in value) return (value as { N: unknown }).N;
  return value;
}

/** One short line naming what a concern is, as `dlq list` prints it. */
export function describeConcern(concern: Concern): string {
  switch (concern.kind) {
    case 'article':
      return `article ${concern.articleId}`;
    case 'chunk':
      return `fan-out chunk ${concern.chunkKey}`;
    case 'delivery':
      return `delivery ${concern.subscriberId}/${concern.key}`;
    case 'feedback':
      return `SNS message ${concern.messageId}`;
    case 'schedule':
      return `scheduled run of ${concern.function}`;
    case 'stream-batch':
      return `stream batch ${concern.pointer.shardId} ${concern.pointer.startSequenceNumber}..${concern.pointer.endSequenceNumber}`;
    case 'unknown':
      return concern.detail;
  }
}
