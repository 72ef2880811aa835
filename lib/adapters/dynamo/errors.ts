import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** A failed condition means "already there" or "already changed": a domain answer, not a fault. */
export function isConditionFailure(error: unknown): boolean {
  if (error instanceof ConditionalCheckFailedException) return true;
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
  }
  // DynamoDB Local and some SDK paths surface the same faults as plain service errors.
  const name = (error as { name?: string } | null)?.name;
  return name === 'ConditionalCheckFailedException';
}

/** Runs a conditional write: true when it was made, false when its condition said no. */
export async function ignoreConditionFailure(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The per-item reasons of a cancelled transaction, in the order of its items; undefined for other errors. */
export function cancellationReasons(error: unknown): readonly { readonly Code?: string }[] | undefined {
  if (error instanceof TransactionCanceledException) return error.CancellationReasons ?? [];
  // DynamoDB Local's cancellations may reach us as plain service errors of the same name.
  const { name, CancellationReasons } = (error ?? {}) as { name?: string; CancellationReasons?: unknown };
  if (name !== 'TransactionCanceledException') return undefined;
  return Array.isArray(CancellationReasons) ? CancellationReasons : [];
}
