import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lib/adapters/dynamo/keys';
import { makeDynamoSendPause, makeDynamoSendThrottle } from '../../lib/adapters/dynamo/send-control';
import type { SendPriority } from '../../lib/ports';
import { tokenLimit } from '../../lib/sending/send-priority';
import { startTestTable } from '../support/dynamo';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.stop();
});

describe('the priorities of the send-rate tokens', () => {
  it('hold a share back for confirmations, then for alerts, and release it late in the second', () => {
    expect([0, 0.5, 0.7, 0.9].map((f) => tokenLimit('confirm', 14, f))).toEqual([14, 14, 14, 14]);
    expect([0, 0.5, 0.7, 0.9].map((f) => tokenLimit('alert', 14, f))).toEqual([12, 12, 14, 14]);
    expect([0, 0.5, 0.7, 0.9].map((f) => tokenLimit('digest', 14, f))).toEqual([10, 10, 12, 14]);
    // The SES sandbox's one message a second still reaches every kind, late in the second.
    expect([0, 0.9].map((f) => tokenLimit('digest', 1, f))).toEqual([0, 1]);
  });
});

describe('the global send-rate cap in DynamoDB', () => {
  it('lets at most the cap through each second, however many senders race', async () => {
    const throttle = makeDynamoSendThrottle(table.db, table.tableName, { perSecond: 8 });
    const start = Date.now();
    await Promise.all(Array.from({ length: 24 }, () => throttle.take('alert')));
    // Each second's counter is what the senders took in it (when a take returns says less: the reply lags).
    const used: number[] = [];
    for (let second = Math.floor(start / 1000); second <= Math.floor(Date.now() / 1000); second++) {
      const { Item } = await table.db.send(
        new GetCommand({ TableName: table.tableName, Key: keys.sendWindow(second) }),
      );
      used.push(Number(Item?.used ?? 0));
    }
    expect(used.reduce((sum, n) => sum + n, 0)).toBe(24);
    expect(Math.max(...used)).toBeLessThanOrEqual(8);
  });

  it('does not pace senders while the second has room: a burst under the cap goes through at once', async () => {
    // The clock stands still inside one second: a sender that paced would wait for a second that never
    // comes, so finishing at all shows that none waited, however slow the machine.
    const second = Math.floor(Date.now() / 1000) + 3600;
    const throttle = makeDynamoSendThrottle(table.db, table.tableName, {
      perSecond: 100_000,
      now: () => second * 1000 + 100,
    });
    // Arriving one after another, as a stream batch's senders do, never all in one write.
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 5 }, () => throttle.take('alert')));
    }
    const { Item } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: keys.sendWindow(second) }),
    );
    expect(Item?.used).toBe(100);
  });

  it('keeps the share of confirmations of a second from a flood of alerts and digests', async () => {
    // The clock is held at a tenth into one second: whatever cannot be had in it waits until the test moves
    // the clock on, so what got through shows the shares whatever the machine's speed.
    const second = Math.floor(Date.now() / 1000) + 7200;
    let clock = second * 1000 + 100;
    const throttle = makeDynamoSendThrottle(table.db, table.tableName, { perSecond: 20, now: () => clock });
    const taken: SendPriority[] = [];
    const take = (priority: SendPriority) => throttle.take(priority).then(() => taken.push(priority));
    const flood = [
      ...Array.from({ length: 25 }, () => take('alert')),
      ...Array.from({ length: 25 }, () => take('digest')),
    ];
    // Alerts and digests together stop at the alerts' limit: two of the twenty are kept for confirmations.
    await expect.poll(() => taken.length).toBe(18);
    await take('confirm');
    await take('confirm');
    const { Item } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: keys.sendWindow(second) }),
    );
    expect(Item?.used).toBe(20);
    expect(taken.slice(0, 18)).not.toContain('confirm');
    expect(taken.slice(18)).toEqual(['confirm', 'confirm']);

    // The rest of the flood goes out in the seconds that follow.
    const ticking = setInterval(() => {
      clock += 1000;
    }, 100);
    try {
      await Promise.all(flood);
    } finally {
      clearInterval(ticking);
    }
    expect(taken).toHaveLength(52);
  });
});

describe('the daily-quota pause', () => {
  it('is seen by every sender, and a shorter pause never cuts a longer one', async () => {
    const one = makeDynamoSendPause(table.db, table.tableName);
    const other = makeDynamoSendPause(table.db, table.tableName);
    const at = new Date('2026-12-01T10:00:00Z');
    expect(await other.pausedUntil(at)).toBeUndefined();
    await one.pauseUntil(new Date('2026-12-01T10:15:00Z'), 'Daily message quota exceeded.');
    await one.pauseUntil(new Date('2026-12-01T10:05:00Z'), 'Daily message quota exceeded.');
    // `other` read before the pause: it trusts that for a few seconds, then reads again.
    const fresh = makeDynamoSendPause(table.db, table.tableName);
    expect(await fresh.pausedUntil(at)).toEqual(new Date('2026-12-01T10:15:00Z'));
    expect(await other.pausedUntil(new Date('2026-12-01T10:00:06Z'))).toEqual(
      new Date('2026-12-01T10:15:00Z'),
    );
    expect(await fresh.pausedUntil(new Date('2026-12-01T10:15:00Z'))).toBeUndefined();
  });
});
