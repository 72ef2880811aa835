import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Article } from '../../articles';
import { isSameStory, signatureBands, signatureSimilarity } from '../../articles/near-duplicate';
import { storyWindow } from '../../articles/story-window';
import type { ArticleWriter, StoryFinder } from '../../ports';
import { cancellationReasons, isConditionFailure } from './errors';
import { keys } from './keys';
import { batchGetAll, projectionOf, queryAtMost } from './paginate';
import type { TableClient } from './table-guard';

/**
 * The most band entries one lookup reads of each band in the window: a band value shared by many stories
 * (boilerplate-heavy copy) must not make a lookup read a partition's whole history.
 */
const CANDIDATES_PER_BAND = 100;

/**
 * Fields a newer version replaces in place. Not the id, the story it belongs to, the time it was first
 * published and ingested (the by-day index and the story's outlets are keyed by them), nor the signature
 * (the band entries of the first version are what later outlets are found by).
 */
const KEPT_ON_REVISION = new Set([
  'id',
  'storyId',
  'signature',
  'publishedAt',
  'publishedZone',
  'publishedZoneSource',
  'ingestedAt',
]);

/** What an article item holds besides the article: its keys, its entity, and its expiry when it has one. */
function articleItem(article: Article, expiry: { expiresAt?: number }) {
  return {
    ...keys.article(article.id),
    ...keys.articleByDay(article.publishedAt.slice(0, 10), article.publishedAt, article.id),
    entity: 'article',
    ...article,
    ...expiry,
  };
}

/** The condition that a put creates an item or replaces one that belongs to the same article. */
function ownEntry(articleId: string, attribute = 'articleId') {
  return {
    ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner',
    ExpressionAttributeNames: { '#owner': attribute },
    ExpressionAttributeValues: { ':owner': articleId },
  };
}

/** DynamoDB's TTL reads epoch seconds; the story's entries expire with the article. */
function expiryOf(expiresAt: Date | undefined): { expiresAt?: number } {
  return expiresAt === undefined ? {} : { expiresAt: Math.floor(expiresAt.getTime() / 1000) };
}

/** The ingest function's writes: each article with its band entries and story membership, all or nothing. */
export function makeDynamoArticleWriter(db: TableClient, tableName: string): ArticleWriter {
  return {
    async storedVersions(ids) {
      const items = await batchGetAll(
        db,
        tableName,
        [...new Set(ids)].map((id) => keys.article(id)),
        ['id', 'publishedAt', 'updatedAt'],
      );
      return new Map(
        items.map((item) => [String(item.id), String(item.updatedAt ?? item.publishedAt)] as const),
      );
    },

    async putIfAbsent(article, expiresAt) {
      const expiry = expiryOf(expiresAt);
      const { id, publishedAt, storyId } = article;
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: articleItem(article, expiry),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              // An entry under this article's id can only be its own: one left behind when TTL removed the
              // article before it (TTL deletes each item on its own) is replaced, never another's.
              ...signatureBands(article.signature).map((band) => ({
                Put: {
                  TableName: tableName,
                  Item: {
                    ...keys.storyBand(band, publishedAt, id),
                    entity: 'story-band',
                    articleId: id,
                    storyId,
                    signature: article.signature,
                    ...expiry,
                  },
                  ...ownEntry(id),
                },
              })),
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...keys.storyMember(storyId, publishedAt, id),
                    entity: 'story-member',
                    id,
                    title: article.title,
                    publishedAt,
                    ...(article.source !== undefined && { source: article.source }),
                    ...(article.url !== undefined && { url: article.url }),
                    ...expiry,
                  },
                  ...ownEntry(id, 'id'),
                },
              },
            ],
          }),
        );
        return 'stored';
      } catch (error) {
        if (cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
        throw error;
      }
    },

    async reviseIfNewer(article, at) {
      const changed = Object.entries(article).filter(([name]) => !KEPT_ON_REVISION.has(name));
      const names = Object.fromEntries(changed.map(([name], i) => [`#f${i}`, name]));
      const values = Object.fromEntries(changed.map(([, value], i) => [`:f${i}`, value]));
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.article(article.id),
            UpdateExpression: `SET ${changed.map((_, i) => `#f${i} = :f${i}`).join(', ')}, #revisions = if_not_exists(#revisions, :zero) + :one, #revisedAt = :at`,
            // Only a later version than the stored one: an older or the same copy re-sent changes nothing.
            ConditionExpression:
              'attribute_exists(pk) AND (#updatedAt < :updatedAt OR (attribute_not_exists(#updatedAt) AND #publishedAt < :updatedAt))',
            ExpressionAttributeNames: {
              ...names,
              '#revisions': 'revisions',
              '#revisedAt': 'revisedAt',
              '#updatedAt': 'updatedAt',
              '#publishedAt': 'publishedAt',
            },
            ExpressionAttributeValues: {
              ...values,
              ':zero': 0,
              ':one': 1,
              ':at': at.toISOString(),
              ':updatedAt': article.updatedAt,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        // The story's list of outlets shows the new headline too. A separate write, since only the stored
        // item says which story and publication time key the entry; a lost one leaves the old headline.
        if (Attributes) await retitleMember(db, tableName, Attributes, article.title);
        return 'updated';
      } catch (error) {
        if (isConditionFailure(error)) return 'duplicate';
        throw error;
      }
    },
  };
}

async function retitleMember(
  db: TableClient,
  tableName: string,
  stored: Record<string, unknown>,
  title: string,
): Promise<void> {
  const { storyId, publishedAt, id } = stored;
  if (typeof storyId !== 'string' || typeof publishedAt !== 'string') return;
  await db
    .send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.storyMember(storyId, publishedAt, String(id)),
        UpdateExpression: 'SET title = :title',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':title': title },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}

const candidateProjection = projectionOf(['articleId', 'storyId', 'signature']);

/**
 * Finds the story an article belongs to from the band entries of earlier ones: one query a band, each
 * reading only the window around the article's publication time and at most CANDIDATES_PER_BAND entries,
 * so the cost stays the same however large the archive grows.
 */
export function makeDynamoStoryFinder(db: TableClient, tableName: string): StoryFinder {
  return {
    async findStory(article) {
      const { from, to } = storyWindow(article.publishedAt);
      const candidates = await Promise.all(
        signatureBands(article.signature).map((band) =>
          queryAtMost(
            db,
            {
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':pk': keys.storyBandPartition(band), ':from': from, ':to': to },
              ...candidateProjection,
            },
            CANDIDATES_PER_BAND,
          ),
        ),
      );
      let best: { storyId: string; similarity: number } | undefined;
      for (const item of candidates.flat()) {
        const signature = String(item.signature);
        if (item.articleId === article.id || !isSameStory(article.signature, signature)) continue;
        const similarity = signatureSimilarity(article.signature, signature);
        if (!best || similarity > best.similarity) best = { storyId: String(item.storyId), similarity };
      }
      return best?.storyId;
    },
  };
}
