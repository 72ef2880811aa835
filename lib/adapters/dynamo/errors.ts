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
