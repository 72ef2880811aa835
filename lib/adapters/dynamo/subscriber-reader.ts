import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SubscriberStore } from '../../ports';
import type { Subscriber } from '../../subscriptions/model';
import { keys } from './keys';
import type { TableClient } from './table-guard';

/** The stored item without the table's own attributes. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, tpk: _tp, tsk: _ts, entity: _e, ...rest } = item;
  return rest;
}

export const toSubscriber = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Subscriber;

/**
 * Reading one subscriber's profile, on its own: the send function needs only this, and a module of its own
 * keeps the rest of the subscriber store (transitions, the topic index, erasure) out of its bundle.
 */
export function makeDynamoSubscriberReader(db: TableClient, tableName: string): Pick<SubscriberStore, 'get'> {
  return {
    async get(subscriberId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.profile(subscriberId), ConsistentRead: true }),
      );
      return Item ? toSubscriber(Item) : undefined;
    },
  };
}
