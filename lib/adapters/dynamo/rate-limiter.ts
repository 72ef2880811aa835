import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../../ports';
import { isConditionFailure } from './errors';
import { keys } from './keys';
import type { TableClient } from './table-guard';

export function makeDynamoRateLimiter(db: TableClient, tableName: string): RateLimiter {
  return {
    async take(subject, limit, windowSeconds, at) {
      const windowMs = windowSeconds * 1000;
      const start = Math.floor(at.getTime() / windowMs) * windowMs;
      const end = start + windowMs;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.rateCounter(subject, new Date(start).toISOString()),
            UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              // The counter outlives its window a little, then DynamoDB's TTL removes it.
              ':expires': Math.floor(end / 1000) + windowSeconds,
            },
          }),
        );
        return 0;
      } catch (error) {
        if (isConditionFailure(error)) return Math.max(1, Math.ceil((end - at.getTime()) / 1000));
        throw error;
      }
    },
  };
}
