import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoRateLimiter } from '../../lib/adapters/dynamo/rate-limiter';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

describe('the DynamoDB rate limiter', () => {
  it('lets exactly the limit through when 30 requests race, and says how long to wait', async () => {
    const limiter = makeDynamoRateLimiter(table.db, table.tableName);
    const at = new Date('2026-12-01T09:00:15Z');
    const answers = await Promise.all(Array.from({ length: 30 }, () => limiter.take('client-a', 10, 60, at)));
    expect(answers.filter((wait) => wait === 0)).toHaveLength(10);
    expect(new Set(answers.filter((wait) => wait > 0))).toEqual(new Set([45]));
  });

  it('counts each subject and each window apart', async () => {
    const limiter = makeDynamoRateLimiter(table.db, table.tableName);
    const at = new Date('2026-12-01T10:00:59.500Z');
    expect(await limiter.take('client-b', 1, 60, at)).toBe(0);
    expect(await limiter.take('client-b', 1, 60, at)).toBe(1);
    expect(await limiter.take('client-c', 1, 60, at)).toBe(0);
    expect(await limiter.take('client-b', 1, 60, new Date('2026-12-01T10:01:00Z'))).toBe(0);
  });
});
