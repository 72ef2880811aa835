import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoBulkSubscriberStore } from '../../lib/adapters/dynamo/bulk-subscriber-store';
import type { Frequency } from '../../lib/subscriptions/model';

/**
 * Makes `count` confirmed subscribers on a running stack's table, as a consented import does (a hundred to
 * a request), each with one topic; `frequencyOf(i)` picks each one's frequency. Addresses are
 * `<prefix>-<i>@example.com` and ids `<prefix>-<i>`, zero-padded so they sort as numbered.
 */
export async function seedSubscribers(
  dynamodbUrl: string,
  tableName: string,
  options: {
    readonly prefix: string;
    readonly count: number;
    readonly query: string;
    readonly frequencyOf?: (index: number) => Frequency;
  },
): Promise<string[]> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamodbUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const store = makeDynamoBulkSubscriberStore(db, tableName);
  const at = new Date();
  const ids = Array.from(
    { length: options.count },
    (_, i) => `${options.prefix}-${String(i).padStart(6, '0')}`,
  );
  try {
    for (let start = 0; start < ids.length; start += 100) {
      const imports = ids.slice(start, start + 100).map((id, offset) => ({
        subscriber: {
          id,
          email: `${id}@example.com`,
          status: 'active' as const,
          timezone: 'UTC',
          digestHour: 7,
          createdAt: at.toISOString(),
        },
        topics: [{ query: options.query, frequency: options.frequencyOf?.(start + offset) ?? 'instant' }],
        detail: 'seeded by a test',
        claimed: false,
      }));
      await store.createActive(imports, at, { source: 'import' });
    }
  } finally {
    db.destroy();
  }
  return ids;
}
