import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Delivery,
  DeliveryRecord,
  DeliveryStore,
  DigestDelivery,
  DigestEntry,
  SweepEntry,
} from '../../ports';
import { ignoreConditionFailure, isConditionFailure } from './errors';
import { GSI1, keys } from './keys';
import { queryAll } from './paginate';
import type { TableClient } from './table-guard';

/** Held digest matches that no digest ever collects (e.g. a subscriber who left) expire after this. */
const HELD_MATCH_TTL_SECONDS = 35 * 24 * 3600;

/** A new ledger entry; its INSERT on the stream is what the send function picks up. */
function queuedDelivery(delivery: Delivery, at: Date) {
  return {
    ...keys.delivery(delivery.subscriberId, delivery.key),
    entity: 'delivery',
    status: 'queued',
    createdAt: at.toISOString(),
    attempts: 0,
    ...delivery,
  };
}

export function makeDynamoDeliveryStore(db: TableClient, tableName: string): DeliveryStore {
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

  const queueOnce = (delivery: Delivery, at: Date) =>
    ignoreConditionFailure(
      db.send(
        new PutCommand({
          TableName: tableName,
          Item: queuedDelivery(delivery, at),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );

  return {
    queueAlert: queueOnce,
    queueConfirmation: queueOnce,

    async holdForDigest(subscriberId, period, entry, at) {
      await ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.pendingDigestItem(subscriberId, period, entry.articleId),
              entity: 'held-match',
              heldAt: at.toISOString(),
              expiresAt: Math.floor(at.getTime() / 1000) + HELD_MATCH_TTL_SECONDS,
              ...entry,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async queueDigest(subscriberId, period, periodKey, limit, at) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.profile(subscriberId).pk,
            ':prefix': keys.pendingDigestPrefix(period),
          },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      if (Items.length === 0) return undefined;
      const delivery: DigestDelivery = {
        kind: 'digest',
        subscriberId,
        key: `DIGEST#${period}#${periodKey}`,
        period,
        periodKey,
        entries: Items.map((item) => ({ articleId: item.articleId, topics: item.topics }) as DigestEntry),
      };
      // One transaction moves the held matches into the delivery: none is lost, none is sent twice.
      const moved = await ignoreConditionFailure(
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: queuedDelivery(delivery, at),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...Items.map((item) => ({
                Delete: {
                  TableName: tableName,
                  Key: { pk: item.pk, sk: item.sk },
                  ConditionExpression: 'attribute_exists(pk)',
                },
              })),
            ],
          }),
        ),
      );
      return moved ? delivery : undefined;
    },

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

    async history(subscriberId) {
      const records: DeliveryRecord[] = [];
      const items = queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.profile(subscriberId).pk, ':prefix': 'DELIVERY#' },
        ConsistentRead: true,
      });
      for await (const item of items) {
        const optional = [
          'attempts',
          'sentAt',
          'messageId',
          'skippedAt',
          'skipReason',
          'lastError',
          'failedAt',
          'failReason',
        ] as const;
        records.push({
          key: item.key as string,
          kind: item.kind as DeliveryRecord['kind'],
          status: item.status as DeliveryRecord['status'],
          createdAt: item.createdAt as string,
          ...Object.fromEntries(
            optional.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
          ),
          articleIds:
            item.kind === 'alert'
              ? [item.articleId as string]
              : item.kind === 'digest'
                ? (item.entries as DigestEntry[]).map((entry) => entry.articleId)
                : [],
        });
      }
      return records;
    },

    async release(subscriberId, key, error, retryAt) {
      const sweep = keys.sweepIndex(subscriberId, key, retryAt.toISOString());
      await setStatus(
        subscriberId,
        key,
        'SET #status = :retry, lastError = :error, gsi1pk = :gpk, gsi1sk = :gsk',
        {
          ':retry': 'retry',
          ':error': error.slice(0, 1000),
          ':gpk': sweep.gsi1pk,
          ':gsk': sweep.gsi1sk,
        },
      );
    },
  };
}
