import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Delivery, DeliveryRecord, DeliveryStore, DigestDelivery, DigestEntry } from '../../ports';
import { ignoreConditionFailure } from './errors';
import { keys } from './keys';
import { queryAll } from './paginate';
import { makeDynamoSendLedger } from './send-ledger';
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
    ...makeDynamoSendLedger(db, tableName),
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
  };
}
