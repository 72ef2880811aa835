import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Article } from '../../articles';
import type { ArticleStore } from '../../ports';
import { isConditionFailure } from './errors';
import { GSI1, keys } from './keys';
import type { TableClient } from './table-guard';

/** The stored article from its item, as read from the table or from a stream record's new image. */
export function articleFromItem(item: Record<string, unknown>): Article {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, ...article } = item;
  return article as unknown as Article;
}

const startOfDay = (d: Date) => new Date(`${d.toISOString().slice(0, 10)}T00:00:00.000Z`);
const previousDay = (d: Date) => new Date(startOfDay(d).getTime() - 1);

export function makeDynamoArticleStore(db: TableClient, tableName: string): ArticleStore {
  return {
    async putIfAbsent(article) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.article(article.id),
              ...keys.articleByDay(article.publishedAt.slice(0, 10), article.publishedAt, article.id),
              entity: 'article',
              ...article,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 'stored';
      } catch (error) {
        if (isConditionFailure(error)) return 'duplicate';
        throw error;
      }
    },
    async get(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.article(id) }));
      return Item ? articleFromItem(Item) : undefined;
    },
    async listPublishedSince(since, until, limit) {
      const found: Article[] = [];
      // One GSI partition per day, newest day first, so a short window reads only what it shows.
      for (
        let day = new Date(until);
        day >= startOfDay(since) && found.length < limit;
        day = previousDay(day)
      ) {
        const { Items = [] } = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: GSI1,
            KeyConditionExpression: 'gsi1pk = :day AND gsi1sk >= :since',
            ExpressionAttributeValues: {
              ':day': keys.articleDay(day.toISOString().slice(0, 10)),
              ':since': since.toISOString(),
            },
            ScanIndexForward: false,
            Limit: limit - found.length,
          }),
        );
        found.push(...Items.map(articleFromItem));
      }
      return found;
    },
    async checkReachable() {
      await db.send(new DescribeTableCommand({ TableName: tableName }));
    },
  };
}
