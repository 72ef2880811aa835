import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Delivery,
  DeliveryRecord,
  DeliveryStore,
  DigestDelivery,
  DigestEntry,
  FanOutChunk,
} from '../../ports';
import { ignoreConditionFailure } from './errors';
import { keys } from './keys';
import { queryPrefix } from './paginate';
import type { TableClient } from './table-guard';

/** Held digest matches that no digest ever collects (e.g. a subscriber who left) expire after this. */
const HELD_MATCH_TTL_SECONDS = 35 * 24 * 3600;

/** Fan-out chunks are handled within minutes; a week keeps them for an operator's replay (see the README). */
const FAN_OUT_TTL_SECONDS = 7 * 24 * 3600;

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

/** A fan-out chunk from its item (or the item's new image on the stream). */
export function chunkFromItem(item: Record<string, unknown>): FanOutChunk {
  return {
    articleId: String(item.articleId),
    planId: String(item.planId),
    index: Number(item.index),
    count: Number(item.count),
    recipients: JSON.parse(String(item.recipients)) as FanOutChunk['recipients'],
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
    async queueFanOut(chunk, at) {
      await ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.fanOutChunk(chunk.articleId, chunk.planId, chunk.index),
              entity: 'fanout',
              createdAt: at.toISOString(),
              expiresAt: Math.floor(at.getTime() / 1000) + FAN_OUT_TTL_SECONDS,
              articleId: chunk.articleId,
              planId: chunk.planId,
              index: chunk.index,
              count: chunk.count,
              // One string, not 500 maps: a third of the size, and cheap to write, stream and read back.
              recipients: JSON.stringify(chunk.recipients),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

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

    claim(subscriberId, key, at, staleBefore) {
      return ignoreConditionFailure(
        setStatus(
          subscriberId,
          key,
          'SET #status = :sending, claimedAt = :at ADD attempts :one',
          {
            ':sending': 'sending',
            ':queued': 'queued',
            ':at': at.toISOString(),
            ':stale': staleBefore.toISOString(),
            ':one': 1,
          },
          '#status = :queued OR (#status = :sending AND claimedAt < :stale)',
        ),
      );
    },

    async markSent(subscriberId, key, messageId, at) {
      await setStatus(subscriberId, key, 'SET #status = :sent, messageId = :id, sentAt = :at', {
        ':sent': 'sent',
        ':id': messageId,
        ':at': at.toISOString(),
      });
    },

    async markSkipped(subscriberId, key, reason, at) {
      await setStatus(subscriberId, key, 'SET #status = :skipped, skipReason = :reason, skippedAt = :at', {
        ':skipped': 'skipped',
        ':reason': reason,
        ':at': at.toISOString(),
      });
    },

    async history(subscriberId) {
      const records: DeliveryRecord[] = [];
      const items = queryPrefix(db, tableName, keys.profile(subscriberId).pk, 'DELIVERY#');
      for await (const item of items) {
        const optional = ['attempts', 'sentAt', 'messageId', 'skippedAt', 'skipReason', 'lastError'] as const;
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

    async release(subscriberId, key, error) {
      await setStatus(subscriberId, key, 'SET #status = :queued, lastError = :error', {
        ':queued': 'queued',
        ':error': error.slice(0, 1000),
      });
    },
  };
}
