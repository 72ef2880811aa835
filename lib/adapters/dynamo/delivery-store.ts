import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Delivery, DeliveryRecord, DeliveryStore, DigestDelivery, DigestEntry } from '../../ports';
import { parseHeldMatch, planDigest } from '../../subscriptions/digest-contents';
import { ignoreConditionFailure } from './errors';
import { keys } from './keys';
import { batchGetAll, queryAll } from './paginate';
import type { TableClient } from './table-guard';

/**
 * How long a month's record of digested articles is kept: past the next month, the longest a later digest
 * (a weekly one early in a month) looks back.
 */
const DIGESTED_TTL_SECONDS = 70 * 24 * 3600;
/** A transaction takes 100 actions: the delivery, the digested-articles record, and this many deletes. */
const DELETES_PER_DIGEST = 98;

const monthOf = (at: Date) => at.toISOString().slice(0, 7);
const monthBefore = (at: Date) => monthOf(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)));

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
            // No expiry: a story carried past a full digest waits for the next one however long that takes;
            // unsubscribing or removing the topic is what deletes it.
            Item: {
              ...keys.pendingDigestItem(subscriberId, period, entry.articleId),
              entity: 'held-match',
              heldAt: at.toISOString(),
              ...entry,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
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
      const articleIds = [...new Set(held.map((match) => match.articleId))];
      const digested = [monthOf(at), monthBefore(at)].map((month) =>
        keys.digestedArticles(subscriberId, month),
      );
      const found = await batchGetAll(db, tableName, [
        ...digested,
        ...articleIds.map((id) => keys.delivery(subscriberId, `ALERT#${id}`)),
      ]);
      const alreadySent = new Set<string>();
      for (const item of found) {
        if (item.articleIds instanceof Set) for (const id of item.articleIds) alreadySent.add(String(id));
        else if (typeof item.articleId === 'string') alreadySent.add(item.articleId);
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
                    ':ids': new Set(plan.entries.map((entry) => entry.articleId)),
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
      const items = queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.profile(subscriberId).pk, ':prefix': 'DELIVERY#' },
        ConsistentRead: true,
      });
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
