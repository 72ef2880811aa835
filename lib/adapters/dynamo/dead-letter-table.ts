import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadLetterTable } from '../../use-cases/replay-dead-letters';
import { ignoreConditionFailure } from './errors';
import { keys } from './keys';
import type { TableClient } from './table-guard';

/** The items dead letters name, read strongly consistent: replay decides on what the table holds now. */
export function makeDynamoDeadLetterTable(db: TableClient, tableName: string): DeadLetterTable {
  const get = async (Key: Record<string, unknown>) =>
    (await db.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }))).Item;

  return {
    async deliveryStatus(subscriberId, key) {
      const item = await get(keys.delivery(subscriberId, key));
      return item ? String(item.status) : undefined;
    },

    requeueDelivery(subscriberId, key, from, at) {
      // `replayedAt` changes on every replay, so even a delivery already `queued` gets a MODIFY record (an
      // update that changes nothing emits none). A `retry` one leaves the sweep index as the sweeper's
      // requeue does.
      return ignoreConditionFailure(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.delivery(subscriberId, key),
            UpdateExpression:
              'SET #status = :queued, replayedAt = :at REMOVE gsi1pk, gsi1sk ADD replays :one',
            ConditionExpression: '#status = :from',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':queued': 'queued',
              ':from': from,
              ':at': at.toISOString(),
              ':one': 1,
            },
          }),
        ),
      );
    },

    touchArticle(articleId, at) {
      return ignoreConditionFailure(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.article(articleId),
            UpdateExpression: 'SET replayedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        ),
      );
    },

    chunk: (chunkKey) => get({ pk: chunkKey, sk: 'CHUNK' }),
  };
}
