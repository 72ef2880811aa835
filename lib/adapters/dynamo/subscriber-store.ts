import { randomUUID } from 'node:crypto';
import {
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

import type { ActiveTopic, SubscriberStore } from '../../ports';
import type {
  ConsentAction,
  ConsentContext,
  ConsentEntry,
  Subscriber,
  Topic,
} from '../../subscriptions/model';
import { CONFIRM_TOKEN_TTL_SECONDS } from '../../subscriptions/tokens';
import { sameQuery } from '../../subscriptions/topic-set';
import { ignoreConditionFailure, isConditionFailure } from './errors';
import { DIGEST_SHARDS, GSI1, keys, TOPIC_SHARDS, TOPICS_INDEX, type TopicIndexState } from './keys';
import { queryAll, queryAllAtOnce } from './paginate';
import { makeDynamoSubscriberReader, toSubscriber, withoutKeys } from './subscriber-reader';

export { toSubscriber } from './subscriber-reader';

import type { TableClient } from './table-guard';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB allows 100 actions in one transaction; leave room for the profile, claim and ledger line. */
const TOPICS_PER_TRANSACTION = 90;

/** A topic as the topics index holds it: the ids from the table key, the rest from the projection. */
export function toActiveTopic(item: Record<string, unknown>): ActiveTopic {
  return {
    ...keys.topicIds(item as { pk: string; sk: string }),
    query: item.query as string,
    frequency: item.frequency as ActiveTopic['frequency'],
  };
}

/** How long an erased subscriber's retired topics stay as id-only markers: longer than any matcher runs warm. */
const ERASED_MARKER_TTL_SECONDS = 35 * 24 * 3600;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Unconfirmed requests, their settings and topics, and a subscriber who never confirmed (profile and
 * email claim) are kept as long as a confirmation link works, then DynamoDB's TTL removes them.
 */
const PENDING_TTL_SECONDS = CONFIRM_TOKEN_TTL_SECONDS;
const pendingUntil = (from: string | Date) =>
  Math.floor(new Date(from).getTime() / 1000) + PENDING_TTL_SECONDS;
/** TTL deletes lag by up to days: an item past its expiry counts as gone already. */
export const lapsed = (item: Record<string, unknown> | undefined, at: Date) =>
  typeof item?.expiresAt === 'number' && item.expiresAt * 1000 <= at.getTime();

/** Subscribers with a daily or weekly topic are listed in the digest index, which the schedule walks. */
export const needsDigestIndex = (topics: readonly Pick<Topic, 'frequency'>[]) =>
  topics.some((topic) => topic.frequency !== 'instant');

/**
 * The reads and writes a subscriber's items are made of, shared by this store and the bulk one
 * (`bulk-subscriber-store.ts`), which only the CLI's import and export compose, so no function bundles it.
 */
export function subscriberItems(db: TableClient, tableName: string) {
  /**
   * Takes a topic out of matching: an active one moves to the retired index so warm matchers learn to
   * drop it; a pending one was never matched and simply leaves the index.
   */
  const retireTopic = (subscriberId: string, topic: Topic, at: Date) => {
    const retired = keys.topicIndex('RETIRED', subscriberId, at.toISOString());
    return {
      TableName: tableName,
      Key: keys.topic(subscriberId, topic.id),
      UpdateExpression:
        topic.status === 'active'
          ? 'SET #status = :inactive, tpk = :tpk, tsk = :tsk'
          : 'SET #status = :inactive REMOVE tpk, tsk',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':inactive': 'inactive',
        ...(topic.status === 'active' ? { ':tpk': retired.tpk, ':tsk': retired.tsk } : {}),
      } as Record<string, unknown>,
    };
  };

  /** One shard of the topics index, in one state, all of it or what changed at or after `since`. */
  const topicShardQuery = (state: TopicIndexState, shard: number, since?: string) => ({
    TableName: tableName,
    IndexName: TOPICS_INDEX,
    KeyConditionExpression: since ? 'tpk = :pk AND tsk >= :since' : 'tpk = :pk',
    ExpressionAttributeValues: {
      ':pk': keys.topicShard(state, shard),
      ...(since ? { ':since': since } : {}),
    },
  });

  const topicShard = (state: TopicIndexState, shard: number, since?: string) =>
    queryAll(db, topicShardQuery(state, shard, since));

  const shards = Array.from({ length: TOPIC_SHARDS }, (_, shard) => shard);

  const topicsOf = (subscriberId: string) =>
    queryAll(db, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.profile(subscriberId).pk, ':prefix': keys.topicPrefix },
      ConsistentRead: true,
    }) as AsyncGenerator<Topic & Record<string, unknown>>;

  /** A consent-ledger line, written in the same transaction as the change it records. */
  const consentLine = (
    subscriberId: string,
    action: ConsentAction,
    consent: ConsentContext,
    at: Date,
    detail?: string,
    nonce = randomUUID().slice(0, 8),
  ): TransactItem => {
    const entry: ConsentEntry = {
      at: at.toISOString(),
      action,
      source: consent.source,
      ...(consent.ip !== undefined && { ip: consent.ip }),
      ...(consent.userAgent !== undefined && { userAgent: consent.userAgent.slice(0, 500) }),
      ...(detail !== undefined && { detail: detail.slice(0, 2000) }),
    };
    return {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.consent(subscriberId, entry.at, action, nonce),
          entity: 'consent',
          ...entry,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  };

  /**
   * A new subscriber's address claim, on nobody holding the address (a claim left by a pending
   * subscription that lapsed, its TTL delete not yet run, is taken over).
   */
  const claimPut = (subscriber: Subscriber, extra: Record<string, unknown>): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: { ...keys.email(subscriber.email), entity: 'email', subscriberId: subscriber.id, ...extra },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': Math.floor(new Date(subscriber.createdAt).getTime() / 1000) },
    },
  });

  const profileItem = (subscriber: Subscriber, extra: Record<string, unknown>) => ({
    ...keys.profile(subscriber.id),
    entity: 'subscriber',
    ...subscriber,
    ...extra,
  });

  /** A new subscriber's claim and profile; a pending one's expire with its confirmation link. */
  const newSubscriberPuts = (subscriber: Subscriber): TransactItem[] => {
    const expiry = subscriber.status === 'pending' ? { expiresAt: pendingUntil(subscriber.createdAt) } : {};
    return [
      claimPut(subscriber, expiry),
      {
        Put: {
          TableName: tableName,
          Item: profileItem(subscriber, expiry),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  };

  /** A topic created active, filed in the match index under the time it became active. */
  const putActiveTopic = (subscriberId: string, topic: Topic, at: Date): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: {
        ...keys.topic(subscriberId, topic.id),
        entity: 'topic',
        ...topic,
        status: 'active',
        ...keys.topicIndex('TOPICS', subscriberId, at.toISOString()),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });

  return {
    retireTopic,
    topicShardQuery,
    topicShard,
    shards,
    topicsOf,
    consentLine,
    claimPut,
    profileItem,
    newSubscriberPuts,
    putActiveTopic,
  };
}

export function makeDynamoSubscriberStore(db: TableClient, tableName: string): SubscriberStore {
  const { retireTopic, topicShardQuery, shards, topicsOf, consentLine, newSubscriberPuts, putActiveTopic } =
    subscriberItems(db, tableName);
  const reader = makeDynamoSubscriberReader(db, tableName);

  /** One change to an existing profile and the consent line that records it, in one transaction. */
  const changeProfile = (
    subscriberId: string,
    update: Pick<
      NonNullable<TransactItem['Update']>,
      'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
    line: TransactItem,
  ) =>
    db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: keys.profile(subscriberId),
              ConditionExpression: 'attribute_exists(pk)',
              ...update,
            },
          },
          line,
        ],
      }),
    );

  const store: SubscriberStore = {
    async findByEmail(email, at) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.email(email), ConsistentRead: true }),
      );
      if (!Item || lapsed(Item, at)) return undefined;
      return store.get(Item.subscriberId as string);
    },

    async create(subscriber) {
      try {
        await db.send(new TransactWriteCommand({ TransactItems: newSubscriberPuts(subscriber) }));
        return 'created';
      } catch (error) {
        if (isConditionFailure(error)) return 'exists';
        throw error;
      }
    },

    async addTopics(topics) {
      for (let i = 0; i < topics.length; i += TOPICS_PER_TRANSACTION) {
        await db.send(
          new TransactWriteCommand({
            TransactItems: topics.slice(i, i + TOPICS_PER_TRANSACTION).map((topic) => ({
              Put: {
                TableName: tableName,
                Item: {
                  ...keys.topic(topic.subscriberId, topic.id),
                  entity: 'topic',
                  ...topic,
                  ...(topic.status === 'pending' && { expiresAt: pendingUntil(topic.createdAt) }),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
          }),
        );
      }
    },

    get: reader.get,

    async keepPending(subscriber, at) {
      const until = pendingUntil(at);
      // Conditional: a confirmation that lands first removed the expiry, and must not get it back.
      await ignoreConditionFailure(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.profile(subscriber.id),
            UpdateExpression: 'SET expiresAt = :until',
            ConditionExpression: '#status = :pending AND attribute_exists(expiresAt)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':until': until, ':pending': 'pending' },
          }),
        ),
      );
      await ignoreConditionFailure(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.email(subscriber.email),
            UpdateExpression: 'SET expiresAt = :until',
            ConditionExpression: 'subscriberId = :id AND attribute_exists(expiresAt)',
            ExpressionAttributeValues: { ':until': until, ':id': subscriber.id },
          }),
        ),
      );
    },

    claimConfirmationSlot(subscriberId, at, intervalMs) {
      return ignoreConditionFailure(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.profile(subscriberId),
            UpdateExpression: 'SET lastConfirmationAt = :at',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(lastConfirmationAt) OR lastConfirmationAt <= :since)',
            ExpressionAttributeValues: {
              ':at': at.toISOString(),
              ':since': new Date(at.getTime() - intervalMs).toISOString(),
            },
          }),
        ),
      );
    },

    async recordRequest(subscriberId, requestId, settings, at, consent) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...keys.request(subscriberId, requestId),
                  entity: 'request',
                  ...settings,
                  createdAt: at.toISOString(),
                  // An unconfirmed request is forgotten with its link.
                  expiresAt: pendingUntil(at),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            consentLine(subscriberId, 'requested', consent, at),
          ],
        }),
      );
    },

    async listTopics(subscriberId) {
      const topics: Topic[] = [];
      for await (const item of topicsOf(subscriberId)) topics.push(withoutKeys(item) as unknown as Topic);
      return topics;
    },

    async consentHistory(subscriberId) {
      const entries: ConsentEntry[] = [];
      const items = queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.profile(subscriberId).pk, ':prefix': keys.consentPrefix },
        ConsistentRead: true,
      });
      for await (const item of items) entries.push(withoutKeys(item) as unknown as ConsentEntry);
      return entries;
    },

    async confirm(subscriberId, requestId, at, consent, maxTopics = Number.POSITIVE_INFINITY) {
      const profile = await store.get(subscriberId);
      if (!profile || profile.status === 'suppressed') return 0;
      const active = new Map<string, Topic>();
      const toActivate: Topic[] = [];
      for await (const topic of topicsOf(subscriberId)) {
        if (topic.status === 'active') active.set(sameQuery(topic.query), topic);
        else if (topic.requestId === requestId && topic.status === 'pending') toActivate.push(topic);
      }
      if (toActivate.length === 0 && profile.status !== 'pending') return 0;

      // One topic per query: the same query asked for again is dropped, or, with another frequency,
      // replaces the active one (the newer request says how often the reader wants it now).
      const activate: Topic[] = [];
      const drop: Topic[] = [];
      const replace: Topic[] = [];
      const seen = new Set<string>();
      let added = 0;
      for (const topic of toActivate) {
        const query = sameQuery(topic.query);
        const existing = active.get(query);
        // Past the topic limit a new query is dropped (a returning reader may ask for more than fit); the
        // page after confirming lists what is active. A changed frequency replaces, so it always fits.
        const full = !existing && active.size + added >= maxTopics;
        if (seen.has(query) || existing?.frequency === topic.frequency || full) {
          drop.push(topic);
          continue;
        }
        if (!existing) added++;
        seen.add(query);
        if (existing) replace.push(existing);
        activate.push(topic);
      }
      const remaining = [...active.values()].filter((topic) => !replace.includes(topic));
      const hasDigestTopic = needsDigestIndex([...remaining, ...activate]);

      // What the reader chose in this request (time zone, digest hour) is what confirming it activates.
      const { Item: request } = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.request(subscriberId, requestId),
          ConsistentRead: true,
        }),
      );
      const settings =
        typeof request?.timezone === 'string' && typeof request.digestHour === 'number'
          ? {
              ':tz': request.timezone,
              ':hour': request.digestHour,
              ':weekday': typeof request.digestWeekday === 'string' ? request.digestWeekday : 'monday',
            }
          : undefined;
      const set = [
        '#status = :active',
        'confirmedAt = :at',
        ...(settings ? ['#tz = :tz', 'digestHour = :hour', 'digestWeekday = :weekday'] : []),
        ...(hasDigestTopic ? ['gsi1pk = :gpk', 'gsi1sk = :gsk'] : []),
      ];
      const profileUpdate: TransactItem = {
        Update: {
          TableName: tableName,
          Key: keys.profile(subscriberId),
          UpdateExpression: `SET ${set.join(', ')} REMOVE unsubscribedAt, expiresAt`,
          // `timezone` is a DynamoDB reserved word.
          ExpressionAttributeNames: { '#status': 'status', ...(settings && { '#tz': 'timezone' }) },
          ExpressionAttributeValues: {
            ':active': 'active',
            ':at': at.toISOString(),
            ...settings,
            ...(hasDigestTopic
              ? {
                  ':gpk': keys.digestIndex(subscriberId).gsi1pk,
                  ':gsk': keys.digestIndex(subscriberId).gsi1sk,
                }
              : {}),
          },
        },
      };
      const pendingOnly = { ConditionExpression: '#status = :pending' };
      const topicUpdates: TransactItem[] = [
        ...activate.map((topic): TransactItem => {
          const index = keys.topicIndex('TOPICS', subscriberId, at.toISOString());
          return {
            Update: {
              TableName: tableName,
              Key: keys.topic(subscriberId, topic.id),
              UpdateExpression: 'SET #status = :active, tpk = :tpk, tsk = :tsk REMOVE expiresAt',
              ...pendingOnly,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':active': 'active',
                ':pending': 'pending',
                ':tpk': index.tpk,
                ':tsk': index.tsk,
              },
            },
          };
        }),
        ...drop.map((topic): TransactItem => {
          const update = retireTopic(subscriberId, topic, at);
          return {
            Update: {
              ...update,
              ...pendingOnly,
              ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':pending': 'pending' },
            },
          };
        }),
        ...replace.map((topic): TransactItem => ({ Update: retireTopic(subscriberId, topic, at) })),
      ];
      // A confirmed subscriber keeps the address for good.
      const claimUpdate: TransactItem = {
        Update: {
          TableName: tableName,
          Key: keys.email(profile.email),
          UpdateExpression: 'REMOVE expiresAt',
          // Only its own claim: a lapsed subscription's address may have passed to a new request.
          ConditionExpression: 'subscriberId = :id',
          ExpressionAttributeValues: { ':id': subscriberId },
        },
      };
      try {
        const confirmed = consentLine(
          subscriberId,
          'confirmed',
          consent,
          at,
          `request ${requestId}: ${activate.map((topic) => topic.query).join('; ') || 'no new topics'}`,
        );
        await writeInChunks([profileUpdate, claimUpdate, confirmed], topicUpdates);
      } catch (error) {
        // A concurrent confirmation of the same link got there first; the outcome is the same.
        if (isConditionFailure(error)) return 0;
        throw error;
      }
      return activate.length;
    },

    async unsubscribe(subscriberId, at, consent, ending = {}) {
      const status = ending.status ?? 'unsubscribed';
      for (let attempt = 1; ; attempt++) {
        const profile = await store.get(subscriberId);
        if (!profile) return false;
        // A retry after a failure between chunks finds the profile already ended: it still retires whatever
        // topics the failed attempt left in the match index. Suppressed is final: a later unsubscribe or
        // complaint leaves it as it is.
        const alreadyEnded = profile.status === status || profile.status === 'suppressed';
        const topicUpdates: TransactItem[] = [];
        for await (const topic of topicsOf(subscriberId)) {
          if (topic.status === 'inactive') continue;
          topicUpdates.push({ Update: retireTopic(subscriberId, topic, at) });
        }
        const profileUpdate: TransactItem = {
          Update: {
            TableName: tableName,
            Key: keys.profile(subscriberId),
            UpdateExpression: `SET #status = :status, ${status === 'suppressed' ? 'suppressedAt' : 'unsubscribedAt'} = :at REMOVE gsi1pk, gsi1sk`,
            // Only from the state just read, so two concurrent endings cannot both write their line.
            ConditionExpression: '#status = :was',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status, ':was': profile.status, ':at': at.toISOString() },
          },
        };
        if (alreadyEnded && topicUpdates.length === 0) return false;
        // The profile changes in the first chunk, so mail stops at once however many chunks follow.
        const head = alreadyEnded
          ? []
          : [profileUpdate, consentLine(subscriberId, status, consent, at, ending.detail)];
        try {
          await writeInChunks(head, topicUpdates);
          return !alreadyEnded;
        } catch (error) {
          // The profile changed between the read and the write (a confirmation, a concurrent unsubscribe or
          // bounce): nothing of this attempt was written, so read again and decide afresh.
          if (alreadyEnded || !isConditionFailure(error) || attempt >= 3) throw error;
        }
      }
    },

    async changeTopics(subscriberId, change, at, consent) {
      const topics = await store.listTopics(subscriberId);
      const retiring = topics.filter(
        (topic) => change.retire.includes(topic.id) && topic.status !== 'inactive',
      );
      const remaining = topics.filter((topic) => topic.status === 'active' && !retiring.includes(topic));
      const hasDigestTopic = needsDigestIndex([...remaining, ...change.add]);
      const digest = keys.digestIndex(subscriberId);
      // The digest index lists exactly the subscribers with a digest topic: the schedule walks only those.
      const profileUpdate: TransactItem = {
        Update: {
          TableName: tableName,
          Key: keys.profile(subscriberId),
          UpdateExpression: hasDigestTopic ? 'SET gsi1pk = :gpk, gsi1sk = :gsk' : 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':active': 'active',
            ...(hasDigestTopic && { ':gpk': digest.gsi1pk, ':gsk': digest.gsi1sk }),
          },
        },
      };
      const added = change.add.map((topic) => putActiveTopic(subscriberId, topic, at));
      const retired = retiring.map(
        (topic): TransactItem => ({ Update: retireTopic(subscriberId, topic, at) }),
      );
      await writeInChunks(
        [profileUpdate, consentLine(subscriberId, 'topics-changed', consent, at, change.detail)],
        [...added, ...retired],
      );
    },

    async updateSettings(subscriberId, settings, at, consent) {
      await changeProfile(
        subscriberId,
        {
          UpdateExpression: 'SET #tz = :tz, digestHour = :hour, digestWeekday = :weekday',
          ExpressionAttributeNames: { '#tz': 'timezone' },
          ExpressionAttributeValues: {
            ':tz': settings.timezone,
            ':hour': settings.digestHour,
            ':weekday': settings.digestWeekday,
          },
        },
        consentLine(
          subscriberId,
          'settings-changed',
          consent,
          at,
          `digests at ${settings.digestHour}:00 ${settings.timezone}, weekly on ${settings.digestWeekday}`,
        ),
      );
    },

    async pause(subscriberId, until, at, consent) {
      await changeProfile(
        subscriberId,
        until
          ? {
              UpdateExpression: 'SET pausedUntil = :until',
              ExpressionAttributeValues: { ':until': until.toISOString() },
            }
          : { UpdateExpression: 'REMOVE pausedUntil' },
        consentLine(subscriberId, 'paused', consent, at, until ? `until ${until.toISOString()}` : 'resumed'),
      );
    },

    async erase(subscriberId, at) {
      const profile = await store.get(subscriberId);
      if (!profile) return;
      const items = queryAll(db, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.profile(subscriberId).pk },
        ConsistentRead: true,
      });
      const markers: TransactItem[] = [];
      const deletes: TransactItem[] = [];
      for await (const item of items) {
        const key = { pk: item.pk as string, sk: item.sk as string };
        if (key.sk === keys.profile(subscriberId).sk) continue;
        if (item.entity === 'topic' && typeof item.tpk === 'string') {
          markers.push({
            Update: {
              TableName: tableName,
              Key: key,
              // Only ids stay: nothing about the person, but enough for matchers to drop the topic.
              UpdateExpression: 'SET expiresAt = :until REMOVE #query, frequency, requestId, createdAt',
              // `query` is a DynamoDB reserved word.
              ExpressionAttributeNames: { '#query': 'query' },
              ExpressionAttributeValues: {
                ':until': Math.floor(at.getTime() / 1000) + ERASED_MARKER_TTL_SECONDS,
              },
            },
          });
        } else {
          deletes.push({ Delete: { TableName: tableName, Key: key } });
        }
      }
      // A claim that has since passed to a new subscription of the address (this one had lapsed) is theirs.
      const { Item: claimed } = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.email(profile.email), ConsistentRead: true }),
      );
      const claim: TransactItem[] =
        claimed?.subscriberId === subscriberId
          ? [
              {
                Delete: {
                  TableName: tableName,
                  Key: keys.email(profile.email),
                  ConditionExpression: 'subscriberId = :id',
                  ExpressionAttributeValues: { ':id': subscriberId },
                },
              },
            ]
          : [];
      for (const chunk of chunks([...markers, ...deletes, ...claim], 100)) {
        await db.send(new TransactWriteCommand({ TransactItems: chunk }));
      }
      await db.send(
        new TransactWriteCommand({
          TransactItems: [{ Delete: { TableName: tableName, Key: keys.profile(subscriberId) } }],
        }),
      );
    },

    async revokeLinks(subscriberId, at, consent) {
      await changeProfile(
        subscriberId,
        { UpdateExpression: 'ADD tokenGeneration :one', ExpressionAttributeValues: { ':one': 1 } },
        consentLine(subscriberId, 'links-revoked', consent, at),
      );
      return (await store.get(subscriberId))?.tokenGeneration ?? 0;
    },

    /**
     * Every shard at once, each page handed over as it arrives and the shard's next one requested at the
     * same moment: a cold matcher builds its index from one page while DynamoDB reads the next ones,
     * instead of awaiting 1 MB pages one after another (about 30 s for 300,000 topics that way).
     */
    async *listActiveTopics(): AsyncIterable<ActiveTopic> {
      const pages = queryAllAtOnce(
        db,
        shards.map((shard) => topicShardQuery('TOPICS', shard)),
      );
      for await (const page of pages) for (const item of page) yield toActiveTopic(item);
    },

    async *topicChangesSince(since) {
      const states: TopicIndexState[] = ['TOPICS', 'RETIRED'];
      const pages = queryAllAtOnce(
        db,
        states.flatMap((state) => shards.map((shard) => topicShardQuery(state, shard, since))),
      );
      const activated = keys.topicShard('TOPICS', 0).split('#')[0] as string;
      for await (const page of pages) {
        for (const item of page) {
          const change = String(item.tpk).startsWith(`${activated}#`) ? 'activated' : 'retired';
          yield { change, topic: toActiveTopic(item), at: String(item.tsk) };
        }
      }
    },

    async *listDigestSubscribers() {
      for (let shard = 0; shard < DIGEST_SHARDS; shard++) {
        const items = queryAll(db, {
          TableName: tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.digestShard(shard) },
        });
        for await (const item of items) yield toSubscriber(item);
      }
    },
  };

  /**
   * The first chunk carries `head` (the profile) so it changes with the first topics. No chunk touches an
   * item shared with other subscribers: warm matchers learn of the topics from the topics index itself
   * (see `topic-index-cache.ts`), so a burst of confirmations has nothing to conflict on.
   */
  async function writeInChunks(head: TransactItem[], rest: TransactItem[]): Promise<void> {
    let first = true;
    for (let i = 0; first || i < rest.length; i += TOPICS_PER_TRANSACTION) {
      const chunk = rest.slice(i, i + TOPICS_PER_TRANSACTION);
      await db.send(new TransactWriteCommand({ TransactItems: [...(first ? head : []), ...chunk] }));
      first = false;
    }
  }

  return store;
}
