import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Article } from '../../articles';
import type { ArticleStore } from '../../ports';
import { isConditionFailure } from './errors';
import { keys } from './keys';

export function makeDynamoArticleStore(db: DynamoDBDocumentClient, tableName: string): ArticleStore {
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
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, ...article } = Item;
      return article as Article;
    },
    async checkReachable() {
      await db.send(new DescribeTableCommand({ TableName: tableName }));
    },
  };
}
