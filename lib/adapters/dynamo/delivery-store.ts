import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Delivery, DeliveryRecord, DeliveryStore, DigestEntry, FanOutChunk } from '../../ports';
import { ignoreConditionFailure } from './errors';
import { keys } from './keys';
import { queryPrefix } from './paginate';
import { makeDynamoSendLedger } from './send-ledger';
import type { TableClient } from './table-guard';

/** Fan-out chunks are handled within minutes; a week keeps them for an operator's replay (see the README). */
const FAN_OUT_TTL_SECONDS = 7 * 24 * 3600;

/** A new ledger entry; its INSERT on the stream is what the send function picks up. */
export function queuedDelivery(delivery: Delivery, at: Date) {
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
    // Chunks written before stories were clustered: the article was its own story.
    storyId: String(item.storyId ?? item.articleId),
    planId: String(item.planId),
    index: Number(item.index),
    count: Number(item.count),
    recipients: JSON.parse(String(item.recipients)) as FanOutChunk['recipients'],
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
              storyId: chunk.storyId,
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

    ...makeDynamoSendLedger(db, tableName),
    queueAlert: queueOnce,
    queueConfirmation: queueOnce,

    async holdForDigest(subscriberId, period, entry, at) {
      await ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: tableName,
            // No expiry: a story carried past a full digest waits for the next one however long that takes;
            // unsubscribing or removing the topic is what deletes it.
            Item: {
              ...keys.pendingDigestItem(subscriberId, period, entry.storyId ?? entry.articleId),
              entity: 'held-match',
              heldAt: at.toISOString(),
              ...entry,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async history(subscriberId) {
      const records: DeliveryRecord[] = [];
      const items = queryPrefix(db, tableName, keys.profile(subscriberId).pk, 'DELIVERY#');
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
