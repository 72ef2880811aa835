import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SubscriberStore, TopicsByKey } from '../../ports';
import type { Subscriber, Topic } from '../../subscriptions/model';
import { keys } from './keys';
import { queryPrefix } from './paginate';
import type { TableClient } from './table-guard';

/** The stored item without the table's own attributes. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, tpk: _tp, tsk: _ts, entity: _e, ...rest } = item;
  return rest;
}

export const toSubscriber = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Subscriber;

/**
 * Reading one subscriber's profile and topics, on their own: the send function needs only these (a
 * delivery names its topics by id), and a module of its own keeps the rest of the subscriber store (transitions, the topic index, erasure) out of its bundle.
 */
export function makeDynamoSubscriberReader(
  db: TableClient,
  tableName: string,
): Pick<SubscriberStore, 'get' | 'listTopics'> {
  return {
    async get(subscriberId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.profile(subscriberId), ConsistentRead: true }),
      );
      return Item ? toSubscriber(Item) : undefined;
    },
    async listTopics(subscriberId) {
      const topics: Topic[] = [];
      const items = queryPrefix(db, tableName, keys.profile(subscriberId).pk, keys.topicPrefix);
      for await (const item of items) topics.push(withoutKeys(item) as unknown as Topic);
      return topics;
    },
  };
}

/** The send function's topic reads, apart from the reader so no other function's bundle carries them. */
export function makeDynamoTopicsByKey(db: TableClient, tableName: string): TopicsByKey {
  return {
    async getTopics(subscriberId, topicIds) {
      // Plain GetItems of the same consistency as the profile's: behind withBatchedGets, a batch's profiles
      // and the topics its deliveries name go out as one BatchGetItem. Consistent, so a topic removed a
      // moment ago is not named in a mail.
      const items = await Promise.all(
        [...new Set(topicIds)].map(async (topicId) => {
          const { Item } = await db.send(
            new GetCommand({
              TableName: tableName,
              Key: keys.topic(subscriberId, topicId),
              ConsistentRead: true,
            }),
          );
          return Item;
        }),
      );
      return items.flatMap((item) => (item ? [withoutKeys(item) as unknown as Topic] : []));
    },
  };
}
