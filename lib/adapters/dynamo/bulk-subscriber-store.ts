import { createHash } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ActiveSubscription, ActiveTopic, AddressHolder, BulkSubscriberStore } from '../../ports';
import type { Topic } from '../../subscriptions/model';
import { sameQuery } from '../../subscriptions/topic-set';
import { cancellationReasons } from './errors';
import { keys } from './keys';
import { batchGetAll, batchWriteAll } from './paginate';
import { digestDueIndex, lapsed, subscriberItems, type TransactItem, toSubscriber } from './subscriber-store';
import type { TableClient } from './table-guard';
import { toActiveTopic, topicShards } from './topic-index-reader';

const EMAIL_PREFIX = keys.email('').pk;

/** Tries at the claims of an import batch that conflicted with another transaction, before giving up. */
const CLAIM_ATTEMPTS = 5;

/** A bulk import's item as a batch puts it: the transaction write's item, without its condition. */
const itemOf = (write: TransactItem) => write.Put?.Item as Record<string, unknown>;

/**
 * An imported topic's id, from its subscriber and query: importing the same row again names the same item,
 * so finishing an interrupted import rewrites a topic instead of adding a second one.
 */
function importedTopicId(subscriberId: string, query: string): string {
  const hex = createHash('sha256')
    .update(`${subscriberId}\n${sameQuery(query)}`)
    .digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join(
    '-',
  );
}

/**
 * Subscribers a hundred at a time, for the CLI's import and export. Its own module beside the subscriber
 * store, whose item builders it shares, so the functions that compose that store do not bundle it.
 */
export function makeDynamoBulkSubscriberStore(db: TableClient, tableName: string): BulkSubscriberStore {
  const { topicShard, consentLine, claimPut, profileItem, putActiveTopic } = subscriberItems(db, tableName);

  return {
    async findHolders(emails, at) {
      const claims = await batchGetAll(
        db,
        tableName,
        [...new Set(emails)].map((email) => keys.email(email)),
      );
      const held = claims.filter((claim) => !lapsed(claim, at));
      const profiles = await batchGetAll(
        db,
        tableName,
        held.map((claim) => keys.profile(claim.subscriberId as string)),
      );
      const byId = new Map(profiles.map((item) => [item.id as string, toSubscriber(item)]));
      const found = new Map<string, AddressHolder>();
      for (const claim of held) {
        const subscriberId = claim.subscriberId as string;
        const subscriber = byId.get(subscriberId);
        found.set(
          String(claim.pk).slice(EMAIL_PREFIX.length),
          subscriber
            ? { kind: 'subscriber', subscriber }
            : {
                kind: 'unfinished-import',
                subscriberId,
                claimedAt: typeof claim.importedAt === 'string' ? claim.importedAt : undefined,
              },
        );
      }
      return found;
    },

    /**
     * Why claims in one transaction and the rest in batches: the claims need their conditions (only
     * PutItem and TransactWriteItems take one; BatchWriteItem does not), the other items do not once the
     * claims are won, and what an import costs is items written, which batches write cheapest. Measured
     * on DynamoDB Local on this project's 2-core machine, warm, with two topics a row: one transaction per
     * subscriber (32 in flight) about 200 rows/s; transactions of 20 subscribers about 300; this about
     * 600–750; every item in batches with no condition at all (the ceiling, and unsafe) about 900.
     */
    async createActive(imports, at, consent) {
      // 1. The claims, each conditional, in one transaction: one request for up to 100 addresses. An
      //    address claimed since the lookup (its cancellation reason says which) is left out and the
      //    rest are claimed again.
      let claiming = imports.filter((entry) => !entry.claimed);
      for (let attempt = 1; claiming.length > 0; attempt++) {
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: claiming.map(({ subscriber }) =>
                claimPut(subscriber, { importedAt: subscriber.createdAt }),
              ),
            }),
          );
          break;
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (!reasons) throw error;
          const taken = claiming.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
          // Nothing taken: a conflict with another transaction on one of the claims, worth a retry.
          if (taken.length === 0) {
            if (attempt >= CLAIM_ATTEMPTS) throw error;
            await new Promise((wake) => setTimeout(wake, 50 * 2 ** attempt));
          }
          claiming = claiming.filter((entry) => !taken.includes(entry));
        }
      }
      const won = imports.filter((entry) => entry.claimed || claiming.includes(entry));
      // 2. Everything else in batches, which take no condition: every key is under a partition whose claim
      //    is now this import's, and derived from it (topic ids from the query, the ledger line from the
      //    claim's time), so finishing an import a crash cut short writes the same items again, not twice.
      //    The profiles go last: a claim without a profile is what marks an import left unfinished.
      const rest = won.flatMap(({ subscriber, topics, detail }) => [
        ...topics.map((choice) => {
          const topic: Topic = {
            subscriberId: subscriber.id,
            id: importedTopicId(subscriber.id, choice.query),
            query: choice.query,
            frequency: choice.frequency,
            status: 'active',
            requestId: `import-${subscriber.id}`,
            createdAt: subscriber.createdAt,
          };
          return itemOf(putActiveTopic(subscriber.id, topic, at));
        }),
        itemOf(
          consentLine(subscriber.id, 'confirmed', consent, new Date(subscriber.createdAt), detail, 'import'),
        ),
      ]);
      await batchWriteAll(db, tableName, rest);
      await batchWriteAll(
        db,
        tableName,
        won.map(({ subscriber, topics }) =>
          profileItem(
            { ...subscriber, status: 'active', confirmedAt: subscriber.createdAt },
            digestDueIndex(subscriber, topics, at) ?? {},
          ),
        ),
      );
      return new Set(won.map(({ subscriber }) => subscriber.email));
    },

    async *listActiveSubscriptions(): AsyncIterable<ActiveSubscription> {
      for (const shard of topicShards) {
        // Every topic of a subscriber is filed in the subscriber's shard: one shard at a time is in memory.
        const topics = new Map<string, ActiveTopic[]>();
        for await (const item of topicShard('TOPICS', shard)) {
          const topic = toActiveTopic(item);
          const list = topics.get(topic.subscriberId) ?? [];
          list.push(topic);
          topics.set(topic.subscriberId, list);
        }
        const profiles = await batchGetAll(
          db,
          tableName,
          [...topics.keys()].map((id) => keys.profile(id)),
        );
        const subscribers = profiles
          .map(toSubscriber)
          .filter((subscriber) => subscriber.status === 'active')
          .sort((a, b) => a.email.localeCompare(b.email));
        for (const subscriber of subscribers) {
          yield { subscriber, topics: topics.get(subscriber.id) ?? [] };
        }
      }
    },
  };
}
