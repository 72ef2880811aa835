import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendLedger, SweepEntry } from '../../ports';
import { ignoreConditionFailure, isConditionFailure } from './errors';
import { GSI1, keys } from './keys';
import type { TableClient } from './table-guard';

/**
 * The ledger as the send function and the sweeper use it: claims, outcomes, retries and the sweep index.
 * Apart from the queueing and digest side of the delivery store (which includes it), so the send bundle
 * carries only these writes.
 */
export function makeDynamoSendLedger(db: TableClient, tableName: string): SendLedger {
  const setStatus = (
    subscriberId: string,
    key: string,
    expression: string,
    values: Record<string, unknown>,
    condition?: string,
  ) =>
    db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.delivery(subscriberId, key),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );

  return {
    async claim(subscriberId, key, { at, staleBefore, sweepAt, attemptId }) {
      const sweep = keys.sweepIndex(subscriberId, key, sweepAt.toISOString());
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.delivery(subscriberId, key),
            UpdateExpression:
              'SET #status = :sending, claimedAt = :at, attemptId = :attempt, gsi1pk = :gpk, gsi1sk = :gsk ADD attempts :one',
            ConditionExpression: '#status = :queued OR (#status = :sending AND claimedAt < :stale)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':queued': 'queued',
              ':at': at.toISOString(),
              ':stale': staleBefore.toISOString(),
              ':attempt': attemptId,
              ':gpk': sweep.gsi1pk,
              ':gsk': sweep.gsi1sk,
              ':one': 1,
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return { attempts: Number(Attributes?.attempts ?? 1) };
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    // Each end state takes the delivery off the sweep index, so the index only ever holds what is in flight.
    async markSent(subscriberId, key, messageId, at) {
      await setStatus(
        subscriberId,
        key,
        'SET #status = :sent, messageId = :id, sentAt = :at REMOVE gsi1pk, gsi1sk',
        { ':sent': 'sent', ':id': messageId, ':at': at.toISOString() },
      );
    },

    markAccepted({ subscriberId, key, attemptId }, messageId, at) {
      // `attemptId = :attempt` also fails for a delivery no attempt of ours claimed, so a stray event writes nothing.
      return ignoreConditionFailure(
        setStatus(
          subscriberId,
          key,
          'SET #status = :sent, messageId = :id, sentAt = :at, recordedBy = :event REMOVE gsi1pk, gsi1sk',
          {
            ':sent': 'sent',
            ':id': messageId,
            ':at': at.toISOString(),
            ':attempt': attemptId,
            ':event': 'ses-send-event',
          },
          'attemptId = :attempt AND #status <> :sent',
        ),
      );
    },

    async markSkipped(subscriberId, key, reason, at) {
      await setStatus(
        subscriberId,
        key,
        'SET #status = :skipped, skipReason = :reason, skippedAt = :at REMOVE gsi1pk, gsi1sk',
        { ':skipped': 'skipped', ':reason': reason, ':at': at.toISOString() },
      );
    },

    async markFailed(subscriberId, key, reason, at) {
      await setStatus(
        subscriberId,
        key,
        'SET #status = :failed, failReason = :reason, failedAt = :at REMOVE gsi1pk, gsi1sk',
        { ':failed': 'failed', ':reason': reason.slice(0, 1000), ':at': at.toISOString() },
      );
    },

    async dueForSweep(shard, before, limit) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': keys.sweepShard(shard), ':before': before.toISOString() },
          Limit: limit,
        }),
      );
      return Items.filter((item) => item.status === 'sending' || item.status === 'retry').map((item) => ({
        subscriberId: item.subscriberId as string,
        key: item.key as string,
        status: item.status as SweepEntry['status'],
        sweepKey: item.gsi1sk as string,
      }));
    },

    requeue(entry, at) {
      // Only if nothing moved it since the sweeper read the index (same status, same due time).
      return ignoreConditionFailure(
        setStatus(
          entry.subscriberId,
          entry.key,
          'SET #status = :queued, requeuedAt = :at REMOVE gsi1pk, gsi1sk ADD requeues :one',
          {
            ':queued': 'queued',
            ':at': at.toISOString(),
            ':was': entry.status,
            ':seen': entry.sweepKey,
            ':one': 1,
          },
          '#status = :was AND gsi1sk = :seen',
        ),
      );
    },

    async release(subscriberId, key, error, retryAt, options) {
      const sweep = keys.sweepIndex(subscriberId, key, retryAt.toISOString());
      const uncounted = options?.countAttempt === false;
      await setStatus(
        subscriberId,
        key,
        `SET #status = :retry, lastError = :error, gsi1pk = :gpk, gsi1sk = :gsk${uncounted ? ' ADD attempts :minus' : ''}`,
        {
          ':retry': 'retry',
          ':error': error.slice(0, 1000),
          ':gpk': sweep.gsi1pk,
          ':gsk': sweep.gsi1sk,
          ...(uncounted && { ':minus': -1 }),
        },
      );
    },
  };
}
