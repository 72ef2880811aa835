import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lib/adapters/dynamo/keys';
import { makeDynamoSuppressionList } from '../../lib/adapters/dynamo/suppression-list';
import { makeAddressHasher, TRANSIENT_BOUNCE_WINDOW_MS } from '../../lib/subscriptions/suppression';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

const hash = makeAddressHasher('test-suppression-salt');
const list = () => makeDynamoSuppressionList(table.db, table.tableName, hash);
const entry = (feedbackId: string) => ({
  reason: 'permanent-bounce' as const,
  detail: 'SES permanent bounce (General)',
  messageId: `m-${feedbackId}`,
  feedbackId,
});
const day = 24 * 3600 * 1000;

describe('the suppression list', () => {
  it('holds an address once, under every spelling of it, and keeps the first entry', async () => {
    const suppressions = list();
    const at = new Date('2026-12-01T09:00:00Z');
    expect(await suppressions.isSuppressed('dora@example.com')).toBe(false);
    expect(await suppressions.suppress('dora@example.com', entry('f1'), at)).toBe(true);
    expect(await suppressions.suppress('Dora@Example.com', { ...entry('f2'), reason: 'complaint' }, at)).toBe(
      false,
    );
    expect(await suppressions.isSuppressed('DORA@example.com')).toBe(true);
    expect(await suppressions.isSuppressed('dora2@example.com')).toBe(false);
    const { Item } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: keys.suppression(hash('dora@example.com')) }),
    );
    expect(Item).toMatchObject({ reason: 'permanent-bounce', feedbackId: 'f1', at: at.toISOString() });
  });

  it('stores no address, only its salted hash, and another salt finds nothing', async () => {
    await list().suppress('private.person@example.net', entry('f3'), new Date('2026-12-01T09:00:00Z'));
    const { Items = [] } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
    expect(JSON.stringify(Items)).not.toMatch(/private\.person|example\.net/);
    const otherSalt = makeDynamoSuppressionList(
      table.db,
      table.tableName,
      makeAddressHasher('a-different-salt-entirely'),
    );
    expect(await otherSalt.isSuppressed('private.person@example.net')).toBe(false);
  });
});

describe('counting transient bounces', () => {
  const bounce = (feedbackId: string, at: Date) => ({ feedbackId, messageId: `m-${feedbackId}`, at });

  it('counts each SES feedback id once, however often the notification is delivered', async () => {
    const suppressions = list();
    const at = new Date('2026-12-02T09:00:00Z');
    expect(
      await suppressions.countTransientBounce(
        'eli@example.com',
        bounce('t1', at),
        TRANSIENT_BOUNCE_WINDOW_MS,
      ),
    ).toBe(1);
    expect(
      await suppressions.countTransientBounce(
        'eli@example.com',
        bounce('t1', at),
        TRANSIENT_BOUNCE_WINDOW_MS,
      ),
    ).toBe(1);
    expect(
      await suppressions.countTransientBounce(
        'ELI@example.com',
        bounce('t2', at),
        TRANSIENT_BOUNCE_WINDOW_MS,
      ),
    ).toBe(2);
    // Another address has its own count.
    expect(
      await suppressions.countTransientBounce(
        'fay@example.com',
        bounce('t3', at),
        TRANSIENT_BOUNCE_WINDOW_MS,
      ),
    ).toBe(1);
  });

  it('counts only the bounces of the last 7 days, and lets DynamoDB expire each after its window', async () => {
    const suppressions = list();
    const start = new Date('2026-12-03T09:00:00Z');
    const daysLater = (days: number) => new Date(start.getTime() + days * day);
    const count = (id: string, at: Date) =>
      suppressions.countTransientBounce('gil@example.com', bounce(id, at), TRANSIENT_BOUNCE_WINDOW_MS);
    expect(await count('g1', start)).toBe(1);
    expect(await count('g2', daysLater(6))).toBe(2);
    // Seven days after the first it no longer counts, even though the TTL has not removed it yet.
    expect(await count('g3', daysLater(7))).toBe(2);
    expect(await count('g4', daysLater(8))).toBe(3);
    const { Item } = await table.db.send(
      new GetCommand({
        TableName: table.tableName,
        Key: keys.transientBounce(hash('gil@example.com'), 'g1'),
      }),
    );
    expect(Item?.expiresAt).toBe(start.getTime() / 1000 + 7 * 24 * 3600);
  });

  it('loses no bounce to concurrency: of three at once, one sees all three and suppresses, exactly once', async () => {
    const suppressions = list();
    const at = new Date('2026-12-04T09:00:00Z');
    const counts = await Promise.all(
      ['c1', 'c2', 'c3'].map((id) =>
        suppressions.countTransientBounce('hal@example.com', bounce(id, at), TRANSIENT_BOUNCE_WINDOW_MS),
      ),
    );
    expect(Math.max(...counts)).toBe(3);
    const suppressed = await Promise.all(
      counts.map((count, i) =>
        count >= 3 ? suppressions.suppress('hal@example.com', entry(`c${i + 1}`), at) : false,
      ),
    );
    expect(suppressed.filter(Boolean)).toHaveLength(1);
    expect(await suppressions.isSuppressed('hal@example.com')).toBe(true);
  });
});
