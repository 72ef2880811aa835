import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Feed } from '../../feeds/feed';
import type { FeedPollOutcome, FeedStore } from '../../ports';
import { isConditionFailure } from './errors';
import { FEED_POLL_SHARDS, GSI1, keys } from './keys';
import { queryAll, queryPrefix } from './paginate';
import type { TableClient } from './table-guard';

function feedFromItem(item: Record<string, unknown>): Feed {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, ...feed } = item;
  return feed as unknown as Feed;
}

/** `status` is a reserved word in DynamoDB expressions. */
const STATUS = { '#status': 'status' };

/**
 * Feeds in their one partition (`FEEDS`), and the active ones on the poll index of `gsi1`, sorted by when
 * they were last polled. Every write is conditional: registration on the id being free, a poll's record on
 * the feed still being active with the failure count the poll read.
 */
export function makeDynamoFeedStore(db: TableClient, tableName: string): FeedStore {
  const get = async (id: string) => {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.feed(id), ConsistentRead: true }),
    );
    return Item ? feedFromItem(Item) : undefined;
  };
  return {
    get,
    async register(feed) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.feed(feed.id), ...keys.feedPoll(feed.id, undefined), entity: 'feed', ...feed },
            ConditionExpression: 'attribute_not_exists(pk)',
            // The record that won comes back with the refusal: no second request to read it.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { feed, created: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = (error as { Item?: Record<string, unknown> }).Item;
        if (existing) return { feed: feedFromItem(unmarshalled(existing)), created: false };
        const stored = await get(feed.id);
        if (!stored) throw error;
        return { feed: stored, created: false };
      }
    },
    async list() {
      const feeds: Feed[] = [];
      for await (const item of queryPrefix(db, tableName, keys.feedPartition, keys.feedPrefix)) {
        feeds.push(feedFromItem(item));
      }
      return feeds.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async listActive() {
      const shards = await Promise.all(
        Array.from({ length: FEED_POLL_SHARDS }, async (_, shard) => {
          const found: { sortKey: string; feed: Feed }[] = [];
          const items = queryAll(db, {
            TableName: tableName,
            IndexName: GSI1,
            KeyConditionExpression: 'gsi1pk = :shard',
            ExpressionAttributeValues: { ':shard': keys.feedPollShard(shard) },
          });
          for await (const item of items)
            found.push({ sortKey: String(item.gsi1sk), feed: feedFromItem(item) });
          return found;
        }),
      );
      return shards
        .flat()
        .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
        .map(({ feed }) => feed);
    },
    async recordPoll(id, outcome) {
      try {
        await db.send(
          new UpdateCommand({ TableName: tableName, Key: keys.feed(id), ...pollUpdate(id, outcome) }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async resume(id, at) {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.feed(id),
            UpdateExpression:
              'SET #status = :active, consecutiveFailures = :zero, resumedAt = :at, gsi1pk = :gpk, gsi1sk = :gsk REMOVE pausedAt',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: STATUS,
            ExpressionAttributeValues: {
              ':active': 'active',
              ':zero': 0,
              ':at': at.toISOString(),
              ...poll(keys.feedPoll(id, undefined)),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? feedFromItem(Attributes) : undefined;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
  };
}

const poll = (key: { gsi1pk: string; gsi1sk: string }) => ({ ':gpk': key.gsi1pk, ':gsk': key.gsi1sk });

function pollUpdate(id: string, outcome: FeedPollOutcome) {
  const at = outcome.at.toISOString();
  if (outcome.kind === 'success') {
    const sets = [
      'lastPolledAt = :at',
      'lastSuccessAt = :at',
      'consecutiveFailures = :zero',
      'gsi1sk = :gsk',
      'itemsStored = if_not_exists(itemsStored, :zero) + :stored',
    ];
    const removes: string[] = [];
    const values: Record<string, unknown> = {
      ':at': at,
      ':zero': 0,
      ':stored': outcome.itemsStored,
      ':gsk': keys.feedPoll(id, at).gsi1sk,
      ':active': 'active',
    };
    // A new body replaces both validators: one the server no longer sends must not be sent back.
    if (outcome.validators) {
      for (const field of ['etag', 'lastModified'] as const) {
        const value = outcome.validators[field];
        if (value === undefined) removes.push(field);
        else {
          sets.push(`${field} = :${field}`);
          values[`:${field}`] = value;
        }
      }
    }
    return {
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: '#status = :active',
      ExpressionAttributeNames: STATUS,
      ExpressionAttributeValues: values,
    };
  }
  const common = {
    ':at': at,
    ':error': outcome.error,
    ':failures': outcome.previousFailures + 1,
    ':previous': outcome.previousFailures,
    ':active': 'active',
  };
  const counted =
    'lastPolledAt = :at, lastError = :error, lastErrorAt = :at, consecutiveFailures = :failures';
  return {
    // Paused: off the poll index until resumed.
    UpdateExpression: outcome.pause
      ? `SET ${counted}, #status = :paused, pausedAt = :at REMOVE gsi1pk, gsi1sk`
      : `SET ${counted}, gsi1sk = :gsk`,
    ConditionExpression: '#status = :active AND consecutiveFailures = :previous',
    ExpressionAttributeNames: STATUS,
    ExpressionAttributeValues: outcome.pause
      ? { ...common, ':paused': 'paused' }
      : { ...common, ':gsk': keys.feedPoll(id, at).gsi1sk },
  };
}

/**
 * The item a refused conditional put returns comes in DynamoDB's attribute-value form (`{pk: {S: …}}`): the
 * document client converts responses, not the errors that carry one.
 */
function unmarshalled(item: Record<string, unknown>): Record<string, unknown> {
  return typeof item.pk === 'object' ? unmarshall(item as Parameters<typeof unmarshall>[0]) : item;
}
