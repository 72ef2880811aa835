import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Article } from '../../articles';
import { LISTED_FIELDS, type ListedArticle } from '../../matching/matchable-article';
import type { ArchiveEntry, ArchiveReader, ArticleBatchReader, ArticleStore } from '../../ports';
import { GSI1, keys } from './keys';
import { batchGetAll, projectionOf, queryAll, queryAtMost } from './paginate';
import type { TableClient } from './table-guard';

/** The stored article from its item, as read from the table or from a stream record's new image. */
export function articleFromItem(item: Record<string, unknown>): Article {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, expiresAt: _x, ...article } = item;
  return article as unknown as Article;
}

/** Only what matching and the preview read: a story's other fields can be most of its bytes. */
const listedProjection = projectionOf(LISTED_FIELDS);

const startOfDay = (d: Date) => new Date(`${d.toISOString().slice(0, 10)}T00:00:00.000Z`);
const previousDay = (d: Date) => new Date(startOfDay(d).getTime() - 1);

export function makeDynamoArticleStore(db: TableClient, tableName: string): ArticleStore {
  return {
    async get(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.article(id) }));
      return Item ? articleFromItem(Item) : undefined;
    },
    async listPublishedSince(since, until, limit) {
      const found: ListedArticle[] = [];
      // One GSI partition per day, newest day first, so a short window reads only what it shows. A day
      // can hold more than the 1 MB one query returns, so each is read page by page to its end.
      for (
        let day = new Date(until);
        day >= startOfDay(since) && found.length < limit;
        day = previousDay(day)
      ) {
        const items = queryAll(db, {
          TableName: tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :day AND gsi1sk >= :since',
          ExpressionAttributeValues: {
            ':day': keys.articleDay(day.toISOString().slice(0, 10)),
            ':since': since.toISOString(),
          },
          ...listedProjection,
          ScanIndexForward: false,
          Limit: limit - found.length,
        });
        for await (const item of items) {
          found.push(item as unknown as ListedArticle);
          if (found.length >= limit) break;
        }
      }
      return found;
    },
    async checkReachable() {
      await db.send(new DescribeTableCommand({ TableName: tableName }));
    },
  };
}

/** A digest's stories by id, up to 100 a request: composed only by the sender. */
export function makeDynamoArticleBatchReader(db: TableClient, tableName: string): ArticleBatchReader {
  return {
    async getMany(ids) {
      const items = await batchGetAll(
        db,
        tableName,
        [...new Set(ids)].map((id) => keys.article(id)),
      );
      return new Map(items.map((item) => [item.id as string, articleFromItem(item)]));
    },
  };
}

/** What the archive's day listing shows of a story. */
const archiveProjection = projectionOf(['id', 'title', 'source', 'publishedAt', 'storyId']);

/** The archive's day listing: one partition of the by-day index, only the fields a listing shows. */
export function makeDynamoArchiveReader(db: TableClient, tableName: string): ArchiveReader {
  return {
    async storiesOfDay(day, limit) {
      const items = await queryAtMost(
        db,
        {
          TableName: tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :day',
          ExpressionAttributeValues: { ':day': keys.articleDay(day) },
          ...archiveProjection,
          ScanIndexForward: false,
        },
        limit,
      );
      return items as unknown as ArchiveEntry[];
    },
  };
}
