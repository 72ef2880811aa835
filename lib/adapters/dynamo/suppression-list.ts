import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SuppressionList } from '../../ports';
import type { AddressHasher } from '../../subscriptions/suppression';
import { ignoreConditionFailure } from './errors';
import { keys } from './keys';
import type { TableClient } from './table-guard';

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/**
 * The suppression list in the table, keyed by the salted hash `hash` makes of each address: the address itself
 * is never stored here. Entries have no expiry; counted transient bounces expire with their window.
 */
export function makeDynamoSuppressionList(
  db: TableClient,
  tableName: string,
  hash: AddressHasher,
): SuppressionList {
  return {
    async isSuppressed(email) {
      // Consistent, so an address suppressed a moment ago is not mailed by the next send.
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.suppression(hash(email)), ConsistentRead: true }),
      );
      return Item !== undefined;
    },

    suppress(email, entry, at) {
      return ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.suppression(hash(email)), entity: 'suppression', ...entry, at: at.toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async countTransientBounce(email, bounce, windowMs) {
      const addressHash = hash(email);
      // Keyed by the feedback id: the same notification delivered twice is one bounce.
      await ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.transientBounce(addressHash, bounce.feedbackId),
              entity: 'transient-bounce',
              messageId: bounce.messageId,
              at: bounce.at.toISOString(),
              // Past its window a bounce counts for nothing, and DynamoDB's TTL removes it.
              expiresAt: seconds(bounce.at) + Math.ceil(windowMs / 1000),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      // Every bounce's put happens before its count, and the count reads consistently: of concurrent bounces,
      // the last to count sees them all, so the limit cannot be skipped over.
      let count = 0;
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            // TTL deletes lag by up to days, so the window is checked here, not left to the TTL.
            FilterExpression: '#at > :since',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: {
              ':pk': keys.suppression(addressHash).pk,
              ':prefix': keys.transientBouncePrefix,
              ':since': new Date(bounce.at.getTime() - windowMs).toISOString(),
            },
            Select: 'COUNT',
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        count += page.Count ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return count;
    },
  };
}
