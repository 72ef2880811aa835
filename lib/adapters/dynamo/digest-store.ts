/**
 * What only the digest run does with the table: the digest index (who is due, their next slot) and moving
 * held matches into a digest. Its own module, composed by the digest function alone, so the functions that
 * share the subscriber and delivery stores do not carry it.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DigestDelivery, DigestStore } from '../../ports';
import { parseHeldMatch, planDigest } from '../../subscriptions/digest-contents';
import { queuedDelivery } from './delivery-store';
import { ignoreConditionFailure } from './errors';
import { DIGEST_SHARDS, GSI1, keys } from './keys';
import { batchGetAll, queryAll } from './paginate';
import { digestDueIndex, subscriberItems, toSubscriber } from './subscriber-store';
import type { TableClient } from './table-guard';

/**
 * Where digest subscribers were filed before the index was sorted by due instant (`DIGESTS#<shard>`, by
 * id). The digest run refiles whoever is still there; remove once no deployed table has any.
 */
const LEGACY_DIGEST_SHARD = (shard: number) => `DIGESTS#${shard}`;

/**
 * How long a month's record of digested articles is kept: past the next month, the longest a later digest
 * (a weekly one early in a month) looks back.
 */
const DIGESTED_TTL_SECONDS = 70 * 24 * 3600;
/** A transaction takes 100 actions: the delivery, the digested-articles record, and this many deletes. */
const DELETES_PER_DIGEST = 98;

/** Bounds the extra writes of one digest; a later digest unexpires the rest, long before they expire. */
const MAX_UNEXPIRED_PER_DIGEST = 50;

const monthOf = (at: Date) => at.toISOString().slice(0, 7);
const monthBefore = (at: Date) => monthOf(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)));

export function makeDynamoDigestStore(db: TableClient, tableName: string): DigestStore {
  const { topicsOf } = subscriberItems(db, tableName);
  /** Carried stories lose the expiry they were held with before held matches stopped expiring. */
  const unexpire = async (subscriberId: string, refs: readonly string[]) => {
    for (const sk of refs.slice(0, MAX_UNEXPIRED_PER_DIGEST)) {
      await ignoreConditionFailure(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: keys.profile(subscriberId).pk, sk },
            UpdateExpression: 'REMOVE expiresAt',
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
    }
  };
  return {
    async *listDue(dueBy) {
      for (let shard = 0; shard < DIGEST_SHARDS; shard++) {
        const items = queryAll(db, {
          TableName: tableName,
          IndexName: GSI1,
          KeyConditionExpression: dueBy ? 'gsi1pk = :pk AND gsi1sk <= :until' : 'gsi1pk = :pk',
          ExpressionAttributeValues: {
            ':pk': keys.digestDueShard(shard),
            // Every subscriber id sorts before U+FFFF: all those due at `dueBy` itself are included.
            ...(dueBy && { ':until': `${dueBy.toISOString()}#\uffff` }),
          },
        });
        for await (const item of items) {
          yield { subscriber: toSubscriber(item), due: new Date(String(item.gsi1sk).split('#')[0] ?? '') };
        }
      }
    },

    async refileLegacy(at) {
      let refiled = 0;
      for (let shard = 0; shard < DIGEST_SHARDS; shard++) {
        const items = queryAll(db, {
          TableName: tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': LEGACY_DIGEST_SHARD(shard) },
        });
        for await (const item of items) {
          const subscriber = toSubscriber(item);
          const topics = [];
          for await (const topic of topicsOf(subscriber.id))
            if (topic.status === 'active') topics.push(topic);
          const index = digestDueIndex(subscriber, topics, at);
          await ignoreConditionFailure(
            db.send(
              new UpdateCommand({
                TableName: tableName,
                Key: keys.profile(subscriber.id),
                UpdateExpression: index ? 'SET gsi1pk = :gpk, gsi1sk = :gsk' : 'REMOVE gsi1pk, gsi1sk',
                // Only if still filed the old way: a preference change meanwhile has refiled it already.
                ConditionExpression: 'gsi1pk = :legacy',
                ExpressionAttributeValues: {
                  ':legacy': LEGACY_DIGEST_SHARD(shard),
                  ...(index && { ':gpk': index.gsi1pk, ':gsk': index.gsi1sk }),
                },
              }),
            ),
          );
          refiled++;
        }
      }
      return refiled;
    },

    async reschedule(subscriberId, due, next) {
      const index = next && keys.digestDue(subscriberId, next);
      // Only from the slot the run served: a preference change meanwhile has filed the subscriber anew.
      await ignoreConditionFailure(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.profile(subscriberId),
            UpdateExpression: index ? 'SET gsi1pk = :gpk, gsi1sk = :gsk' : 'REMOVE gsi1pk, gsi1sk',
            ConditionExpression: 'gsi1sk = :was',
            ExpressionAttributeValues: {
              ':was': keys.digestDue(subscriberId, due).gsi1sk,
              ...(index && { ':gpk': index.gsi1pk, ':gsk': index.gsi1sk }),
            },
          }),
        ),
      );
    },
    async queueDigest(request, at) {
      const { subscriberId } = request;
      const held = [];
      for (const period of request.periods) {
        const items = queryAll(db, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.profile(subscriberId).pk,
            ':prefix': keys.pendingDigestPrefix(period),
          },
          ConsistentRead: true,
        });
        for await (const item of items) held.push(parseHeldMatch(item));
      }
      if (held.length === 0) return undefined;
      // What the subscriber already got: an alert's ledger entry per story, and the stories of this and last
      // month's digests. One batch read, however many digests came before.
      const storyIds = [...new Set(held.map((match) => match.storyId))];
      const digested = [monthOf(at), monthBefore(at)].map((month) =>
        keys.digestedArticles(subscriberId, month),
      );
      const found = await batchGetAll(db, tableName, [
        ...digested,
        ...storyIds.map((id) => keys.delivery(subscriberId, `ALERT#${id}`)),
      ]);
      const alreadySent = new Set<string>();
      for (const item of found) {
        if (item.articleIds instanceof Set) for (const id of item.articleIds) alreadySent.add(String(id));
        else if (typeof item.articleId === 'string') alreadySent.add(String(item.storyId ?? item.articleId));
      }
      const plan = planDigest(held, {
        activeTopicIds: request.activeTopicIds,
        alreadySent,
        limit: request.limit,
        maxDeletes: DELETES_PER_DIGEST,
      });
      const deletes = (refs: readonly string[], condition: boolean) =>
        refs.map((sk) => ({
          Delete: {
            TableName: tableName,
            Key: { pk: keys.profile(subscriberId).pk, sk },
            ...(condition && { ConditionExpression: 'attribute_exists(pk)' }),
          },
        }));
      if (plan.entries.length === 0) {
        if (plan.dropped.length > 0)
          await db.send(new TransactWriteCommand({ TransactItems: deletes(plan.dropped, false) }));
        return undefined;
      }
      const delivery: DigestDelivery = {
        kind: 'digest',
        subscriberId,
        key: request.key,
        period: request.period,
        periodKey: request.periodKey,
        entries: plan.entries,
        ...(plan.remaining > 0 && { remaining: plan.remaining }),
      };
      // One transaction moves the held matches into the delivery and records its stories: none is lost,
      // none is sent twice, a later digest knows them.
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
              {
                Update: {
                  TableName: tableName,
                  Key: keys.digestedArticles(subscriberId, monthOf(at)),
                  UpdateExpression: 'ADD articleIds :ids SET entity = :entity, expiresAt = :until',
                  ExpressionAttributeValues: {
                    // Stories, so no later digest lists another outlet's version of one.
                    ':ids': new Set(plan.entries.map((entry) => entry.storyId ?? entry.articleId)),
                    ':entity': 'digested',
                    ':until': Math.floor(at.getTime() / 1000) + DIGESTED_TTL_SECONDS,
                  },
                },
              },
              ...deletes(plan.taken, true),
              ...deletes(plan.dropped, false),
            ],
          }),
        ),
      );
      if (moved) await unexpire(subscriberId, plan.unexpire);
      return moved ? delivery : undefined;
    },
  };
}
