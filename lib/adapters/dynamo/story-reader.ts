import type { StoryOutlet, StoryReader } from '../../ports';
import { keys } from './keys';
import { projectionOf, queryAtMost } from './paginate';
import type { TableClient } from './table-guard';

const outletProjection = projectionOf(['id', 'title', 'publishedAt', 'source', 'url']);

/** A story's outlets from its partition, oldest first: one query, however large the archive. */
export function makeDynamoStoryReader(db: TableClient, tableName: string): StoryReader {
  return {
    async outletsOf(storyId, limit) {
      const items = await queryAtMost(
        db,
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
          ExpressionAttributeValues: {
            ':pk': keys.storyPartition(storyId),
            ':member': keys.storyMemberPrefix,
          },
          ...outletProjection,
        },
        limit,
      );
      return items as unknown as StoryOutlet[];
    },
  };
}
