import { randomUUID } from 'node:crypto';
import {
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

import type { SubscriberStore } from '../../ports';
import { digestPeriodsOf, nextDigestSlot } from '../../subscriptions/digest-schedule';
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
import { keys, type TopicIndexState } from './keys';
import { queryAll, queryPrefix } from './paginate';
import { makeDynamoSubscriberReader, withoutKeys } from './subscriber-reader';
import { topicShardQuery } from './topic-index-reader';

export { toSubscriber } from './subscriber-reader';

import type { TableClient } from './table-guard';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB allows 100 actions in one transaction; leave room for the profile, claim and ledger line. */
const TOPICS_PER_TRANSACTION = 90;

/** How long a held digest match of a removed topic or an ended subscription stays before TTL deletes it. */
const HELD_MATCH_TTL_SECONDS = 7 * 24 * 3600;

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

/**
 * A slot this recent still counts as next: a subscriber who edits their topics at 07:05, before the 07:15
 * run has served their 07:00 digest, keeps it. Filing a slot already served is harmless: its ledger key
 * makes a second digest for it impossible.
 */
const DUE_GRACE_MS = 30 * 60_000;

/**
 * Where a subscriber with daily or weekly topics is filed in the digest index: under their next digest
 * slot after `at` (or one just before it, not yet served). Undefined (out of the index) without digest
 * topics.
 */
export function digestDueIndex(
  subscriber: Pick<Subscriber, 'id' | 'timezone' | 'digestHour' | 'digestWeekday'>,
  topics: readonly Pick<Topic, 'frequency'>[],
  at: Date,
) {
  const slot = nextDigestSlot(subscriber, digestPeriodsOf(topics), new Date(at.getTime() - DUE_GRACE_MS));
  return slot && keys.digestDue(subscriber.id, slot.at);
}

/** The profile update that files the subscriber under `index`, or takes them out of the digest index. */
const digestIndexUpdate = (index: ReturnType<typeof digestDueIndex>) =>
  index
    ? {
        set: ['gsi1pk = :gpk', 'gsi1sk = :gsk'],
        remove: [],
        values: { ':gpk': index.gsi1pk, ':gsk': index.gsi1sk },
      }
    : { set: [], remove: ['gsi1pk', 'gsi1sk'], values: {} };

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

  const topicShard = (state: TopicIndexState, shard: number, since?: string) =>
    queryAll(db, topicShardQuery(tableName, state, shard, since));

  const topicsOf = (subscriberId: string) =>
    queryPrefix(db, tableName, keys.profile(subscriberId).pk, keys.topicPrefix) as AsyncGenerator<
      Topic & Record<string, unknown>
    >;

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
    topicShard,
    topicsOf,
    consentLine,
    claimPut,
    profileItem,
    newSubscriberPuts,
    putActiveTopic,
  };
}

export function makeDynamoSubscriberStore(db: TableClient, tableName: string): SubscriberStore {
  const { retireTopic, topicsOf, consentLine, newSubscriberPuts, putActiveTopic } = subscriberItems(
    db,
    tableName,
  );
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
      const items = queryPrefix(db, tableName, keys.profile(subscriberId).pk, keys.consentPrefix);
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
      const digestIndex = digestIndexUpdate(
        digestDueIndex(
          settings
            ? {
                id: subscriberId,
                timezone: settings[':tz'],
                digestHour: settings[':hour'],
                digestWeekday: settings[':weekday'] as Subscriber['digestWeekday'],
              }
            : profile,
          [...remaining, ...activate],
          at,
        ),
      );
      const set = [
        '#status = :active',
        'confirmedAt = :at',
        ...(settings ? ['#tz = :tz', 'digestHour = :hour', 'digestWeekday = :weekday'] : []),
        ...digestIndex.set,
      ];
      const profileUpdate: TransactItem = {
        Update: {
          TableName: tableName,
          Key: keys.profile(subscriberId),
          UpdateExpression: `SET ${set.join(', ')} REMOVE ${['unsubscribedAt', 'expiresAt', ...digestIndex.remove].join(', ')}`,
          // `timezone` is a DynamoDB reserved word.
          ExpressionAttributeNames: { '#status': 'status', ...(settings && { '#tz': 'timezone' }) },
          ExpressionAttributeValues: {
            ':active': 'active',
            ':at': at.toISOString(),
            ...settings,
            ...digestIndex.values,
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
        if (alreadyEnded && topicUpdates.length === 0) {
          // A retry after a failure past the profile's change finishes clearing the held matches.
          await expireHeldMatches(subscriberId, new Set(), at);
          return false;
        }
        // The profile changes in the first chunk, so mail stops at once however many chunks follow.
        const head = alreadyEnded
          ? []
          : [profileUpdate, consentLine(subscriberId, status, consent, at, ending.detail)];
        try {
          await writeInChunks(head, topicUpdates);
          // Nothing held for a digest outlives the subscription: a re-subscribed reader starts afresh.
          await expireHeldMatches(subscriberId, new Set(), at);
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
      const profile = await store.get(subscriberId);
      // The digest index lists exactly the subscribers with a digest topic, under their next slot. (Without
      // a profile the update's condition fails, as it did before this read.)
      const index = profile && digestDueIndex(profile, [...remaining, ...change.add], at);
      const profileUpdate: TransactItem = {
        Update: {
          TableName: tableName,
          Key: keys.profile(subscriberId),
          UpdateExpression: index ? 'SET gsi1pk = :gpk, gsi1sk = :gsk' : 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':active': 'active',
            ...(index && { ':gpk': index.gsi1pk, ':gsk': index.gsi1sk }),
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
      // Matches held for a digest leave with their topic: a removed topic's stories are never sent.
      if (retiring.length > 0)
        await expireHeldMatches(
          subscriberId,
          new Set([...remaining, ...change.add].map((topic) => topic.id)),
          at,
        );
    },

    async updateSettings(subscriberId, settings, at, consent) {
      const active = (await store.listTopics(subscriberId)).filter((topic) => topic.status === 'active');
      // A new hour or zone moves the next digest: it is filed again under the new schedule's next slot.
      const index = digestIndexUpdate(digestDueIndex({ id: subscriberId, ...settings }, active, at));
      await changeProfile(
        subscriberId,
        {
          UpdateExpression: `SET ${['#tz = :tz', 'digestHour = :hour', 'digestWeekday = :weekday', ...index.set].join(', ')}${index.remove.length > 0 ? ` REMOVE ${index.remove.join(', ')}` : ''}`,
          ExpressionAttributeNames: { '#tz': 'timezone' },
          ExpressionAttributeValues: {
            ':tz': settings.timezone,
            ':hour': settings.digestHour,
            ':weekday': settings.digestWeekday,
            ...index.values,
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
  };

  /**
   * Gives the subscriber's held digest matches whose topics are none of `keep` (every one, when empty) an
   * expiry, so TTL deletes them. Until it does, no digest lists them: a digest takes only the matches of
   * topics active when it runs, so a removed topic's stories never come back, even after re-subscribing.
   * An expiry rather than a delete keeps these functions' grants to updates; only the digest and erasure
   * delete.
   */
  async function expireHeldMatches(subscriberId: string, keep: ReadonlySet<string>, at: Date): Promise<void> {
    const stale: { pk: string; sk: string }[] = [];
    const items = queryAll(db, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.profile(subscriberId).pk,
        ':prefix': keys.pendingDigestPrefix(),
      },
      ProjectionExpression: 'pk, sk, topics, expiresAt',
      ConsistentRead: true,
    });
    for await (const item of items) {
      const topics = Array.isArray(item.topics) ? (item.topics as { topicId?: unknown }[]) : [];
      if (item.expiresAt !== undefined || topics.some((topic) => keep.has(String(topic?.topicId)))) continue;
      stale.push({ pk: item.pk as string, sk: item.sk as string });
    }
    const until = Math.floor(at.getTime() / 1000) + HELD_MATCH_TTL_SECONDS;
    for (const chunk of chunks(stale, 10)) {
      await Promise.all(
        chunk.map((key) =>
          // Only if it is still there: a digest may have taken it meanwhile, and a stub must not appear.
          ignoreConditionFailure(
            db.send(
              new UpdateCommand({
                TableName: tableName,
                Key: key,
                UpdateExpression: 'SET expiresAt = :until',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':until': until },
              }),
            ),
          ),
        ),
      );
    }
  }

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
