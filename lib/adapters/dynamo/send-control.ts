import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendPause, SendPriority, SendThrottle } from '../../ports';
import { nextRelease, tokenLimit } from '../../sending/send-priority';
import { ignoreConditionFailure } from './errors';
import { keys } from './keys';
import type { TableClient } from './table-guard';

/** Tokens one write may take for the senders of one instance waiting together (one stream batch). */
const MAX_TOKENS_PER_WRITE = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The global send-rate cap as a token bucket in the table: one counter item per second, taken by a
 * conditional ADD, so every concurrent send function instance draws from the same `perSecond` tokens
 * whatever Lambda's concurrency. (Reserved concurrency × per-instance pacing would also cap the rate, but
 * only as well as each instance guesses how many others run, and it idles instances a burst could use.)
 * Senders of one instance that wait at the same time share one write (up to 10 tokens); a taken-out second
 * also costs one failed write per instance and release point. One item takes up to 1,000 writes a second, above any SES rate Tidings is sized for; a
 * larger account would shard the counter (`SENDRATE#<second>#<n>`, perSecond / n each).
 */
export function makeDynamoSendThrottle(
  db: TableClient,
  tableName: string,
  options: { readonly perSecond: number; readonly now?: () => number },
): SendThrottle {
  const now = options.now ?? Date.now;
  /** Takes `count` tokens at once, only if all of them fit under `limit`. */
  const tryTake = (second: number, limit: number, count: number) =>
    ignoreConditionFailure(
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.sendWindow(second),
          UpdateExpression: 'ADD used :count SET expiresAt = if_not_exists(expiresAt, :expires)',
          ConditionExpression: 'attribute_not_exists(used) OR used <= :most',
          // DynamoDB's TTL removes the counter a minute after its second.
          ExpressionAttributeValues: { ':count': count, ':most': limit - count, ':expires': second + 60 },
        }),
      ),
    );

  // The senders of one instance waiting for a token, by priority: those waiting together share one write.
  type Waiter = { resolve: () => void; reject: (error: unknown) => void };
  const waiting: Record<SendPriority, Waiter[]> = { confirm: [], alert: [], digest: [] };
  const pumping = new Set<SendPriority>();

  async function pump(priority: SendPriority) {
    if (pumping.has(priority)) return;
    pumping.add(priority);
    try {
      const queue = waiting[priority];
      while (queue.length > 0) {
        const ms = now();
        const second = Math.floor(ms / 1000);
        const fraction = (ms % 1000) / 1000;
        const limit = tokenLimit(priority, options.perSecond, fraction);
        // Many at once while the second has room; one at a time once it is nearly full.
        let took = false;
        for (const count of [...new Set([Math.min(queue.length, MAX_TOKENS_PER_WRITE, limit), 1])]) {
          if (count >= 1 && (await tryTake(second, limit, count))) {
            for (const waiter of queue.splice(0, count)) waiter.resolve();
            took = true;
            break;
          }
        }
        // While the second has room, the next waiters take theirs at once: only a full second is waited out.
        if (queue.length === 0 || took) continue;
        if (Math.floor(now() / 1000) === second) {
          // Wait for the point where this priority may take more, with jitter so instances do not collide.
          const wait = (nextRelease(priority, fraction) - fraction) * 1000;
          await sleep(Math.max(1, wait) + Math.random() * 20);
        }
      }
    } finally {
      pumping.delete(priority);
    }
  }

  return {
    take(priority: SendPriority) {
      return new Promise<void>((resolve, reject) => {
        waiting[priority].push({ resolve, reject });
        pump(priority).catch((error: unknown) => {
          // A failed write fails every sender waiting on it; each one's delivery is put aside and retried.
          for (const waiter of waiting[priority].splice(0)) waiter.reject(error);
        });
      });
    },
  };
}

/** How long a sender trusts what it read of the pause before reading it again. */
const PAUSE_CACHE_MS = 5000;

/** The daily-quota pause: one item every sender reads (cached for a few seconds) before it sends. */
export function makeDynamoSendPause(db: TableClient, tableName: string): SendPause {
  let cached: { readAt: number; until: Date | undefined } | undefined;
  return {
    async pausedUntil(at) {
      if (!cached || at.getTime() - cached.readAt > PAUSE_CACHE_MS || at.getTime() < cached.readAt) {
        const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.sendPause() }));
        cached = { readAt: at.getTime(), until: Item?.until ? new Date(Item.until as string) : undefined };
      }
      return cached.until && cached.until > at ? cached.until : undefined;
    },
    async pauseUntil(until, reason) {
      cached = { readAt: Date.now(), until };
      // A later pause wins; an earlier one (a sender that saw the error first) never shortens it.
      await ignoreConditionFailure(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.sendPause(),
            UpdateExpression: 'SET #until = :until, reason = :reason, expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(#until) OR #until < :until',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: {
              ':until': until.toISOString(),
              ':reason': reason.slice(0, 500),
              ':expires': Math.floor(until.getTime() / 1000) + 86_400,
            },
          }),
        ),
      );
    },
  };
}
