import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DigestGuardStatus, DigestPause, DigestPauseReader, DigestPauseSwitch } from '../../ports';
import { isConditionFailure } from './errors';
import { keys } from './keys';
import type { TableClient } from './table-guard';

/** How long a reader trusts a "not paused" answer: a pause reaches every sender within this. */
const NOT_PAUSED_CACHE_MS = 5000;

const pauseOf = (item: Record<string, unknown> | undefined): DigestPause | undefined =>
  item && typeof item.pausedAt === 'string'
    ? { pausedAt: item.pausedAt, pausedBy: String(item.pausedBy), reason: String(item.reason) }
    : undefined;

/**
 * The digest pause as digest runs and senders read it. Only "not paused" is cached (a few seconds, so a
 * busy sender does not read it for every digest); a paused answer is read again each time, so the first
 * digest after an operator resumes goes out at once instead of waiting out a cached pause.
 */
export function makeDynamoDigestPauseReader(db: TableClient, tableName: string): DigestPauseReader {
  let notPausedAt: number | undefined;
  return {
    async current(now) {
      const at = now.getTime();
      if (notPausedAt !== undefined && at >= notPausedAt && at - notPausedAt < NOT_PAUSED_CACHE_MS) return;
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.digestGuard() }));
      const pause = pauseOf(Item);
      notPausedAt = pause ? undefined : at;
      return pause;
    },
  };
}

/** Pausing and resuming digests: the reputation function on an alarm, the operator from the CLI. */
export function makeDynamoDigestPauseSwitch(db: TableClient, tableName: string): DigestPauseSwitch {
  const read = async () =>
    (await db.send(new GetCommand({ TableName: tableName, Key: keys.digestGuard(), ConsistentRead: true })))
      .Item;
  return {
    async pause(pause, notificationId) {
      try {
        // One conditional update: the notification id is remembered in the same write that pauses, so a
        // redelivery finds it and changes nothing; if_not_exists keeps the first pause's who, why and when.
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.digestGuard(),
            UpdateExpression: `SET entity = :entity, pausedAt = if_not_exists(pausedAt, :at), pausedBy = if_not_exists(pausedBy, :by), reason = if_not_exists(reason, :reason)${notificationId ? ' ADD notifications :ids' : ''}`,
            ...(notificationId && { ConditionExpression: 'NOT contains(notifications, :id)' }),
            ExpressionAttributeValues: {
              ':entity': 'digestPause',
              ':at': pause.pausedAt,
              ':by': pause.pausedBy.slice(0, 300),
              ':reason': pause.reason.slice(0, 1000),
              ...(notificationId && { ':ids': new Set([notificationId]), ':id': notificationId }),
            },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        return Attributes?.pausedAt ? 'already-paused' : 'paused';
      } catch (error) {
        if (isConditionFailure(error)) return 'duplicate';
        throw error;
      }
    },

    async resume(by, at) {
      // Read, then end exactly the pause read: a pause and a resume racing cannot lose the later pause.
      for (let tries = 0; tries < 3; tries++) {
        const pause = pauseOf(await read());
        if (!pause) return undefined;
        try {
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keys.digestGuard(),
              UpdateExpression:
                'SET lastResumedAt = :at, lastResumedBy = :by, lastPause = :pause REMOVE pausedAt, pausedBy, reason',
              ConditionExpression: 'pausedAt = :pausedAt AND pausedBy = :pausedBy',
              ExpressionAttributeValues: {
                ':at': at.toISOString(),
                ':by': by.slice(0, 300),
                ':pause': pause,
                ':pausedAt': pause.pausedAt,
                ':pausedBy': pause.pausedBy,
              },
            }),
          );
          return pause;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      throw new Error('The digest pause kept changing while it was being resumed; try again.');
    },

    async status(): Promise<DigestGuardStatus> {
      const item = await read();
      const pause = pauseOf(item);
      const last = item?.lastPause as Record<string, unknown> | undefined;
      const lastPause = pauseOf(last);
      return {
        ...(pause && { pause }),
        ...(lastPause &&
          typeof item?.lastResumedAt === 'string' && {
            lastResumed: { at: item.lastResumedAt, by: String(item.lastResumedBy), pause: lastPause },
          }),
      };
    },
  };
}
