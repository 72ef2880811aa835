import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../lib/dead-letters/dead-letter';
import { type DeadLetterTable, makeReplayDeadLetters } from '../../lib/use-cases/replay-dead-letters';

const letter = (concerns: DeadLetter['concerns'], replayed = false): DeadLetter => ({
  id: '1',
  at: undefined,
  function: 'send',
  reason: 'boom',
  concerns,
  replayed,
});

/** A table of deliveries by `subscriber/key`, whose requeue honours its condition as DynamoDB does. */
function fakeTable(statuses: Record<string, string>) {
  const touched: string[] = [];
  const table: DeadLetterTable = {
    deliveryStatus: async (s, k) => statuses[`${s}/${k}`],
    requeueDelivery: async (s, k, from) => {
      if (statuses[`${s}/${k}`] !== from) return false;
      statuses[`${s}/${k}`] = 'queued';
      touched.push(`${s}/${k}`);
      return true;
    },
    touchArticle: async (id) => {
      touched.push(id);
      return id !== 'gone';
    },
    chunk: async () => undefined,
  };
  return { table, touched };
}

const runs: string[] = [];
const run = {
  streamItem: async (fn: string) => void runs.push(`stream ${fn}`),
  sns: async (fn: string) => void runs.push(`sns ${fn}`),
  schedule: async (fn: string) => void runs.push(`schedule ${fn}`),
};
const clock = { now: () => new Date('2026-12-03T12:00:00Z') };
const delivery = (key: string) => ({ kind: 'delivery', subscriberId: 's1', key }) as const;

describe('replaying dead letters from the table', () => {
  it('re-queues a delivery still queued or put aside, and leaves a sent, skipped or claimed one', async () => {
    const { table, touched } = fakeTable({
      's1/a': 'queued',
      's1/b': 'retry',
      's1/c': 'sent',
      's1/d': 'sending',
    });
    const replay = makeReplayDeadLetters({ table, run, clock });
    expect(await replay.replay(letter([delivery('a')]))).toMatchObject([
      { outcome: 'requeued', note: 'queued' },
    ]);
    expect(await replay.replay(letter([delivery('b')]))).toMatchObject([
      { outcome: 'requeued', note: 'retry' },
    ]);
    expect(await replay.replay(letter([delivery('c')]))).toMatchObject([{ outcome: 'done', note: 'sent' }]);
    expect((await replay.replay(letter([delivery('d')])))[0]?.outcome).toBe('left');
    expect((await replay.replay(letter([delivery('gone')])))[0]).toMatchObject({
      outcome: 'left',
      note: 'the delivery is gone from the table',
    });
    expect((await replay.replay(letter([delivery('e')])))[0]).toMatchObject({ outcome: 'left' });
    expect(touched).toEqual(['s1/a', 's1/b']);
  });

  it('says where the work stands without touching anything', async () => {
    const { table, touched } = fakeTable({ 's1/a': 'queued', 's1/c': 'failed' });
    const replay = makeReplayDeadLetters({ table, run, clock });
    expect(await replay.inspect(letter([delivery('a'), delivery('c')]))).toMatchObject([
      { state: 'outstanding', note: 'queued' },
      { state: 'done', note: 'failed' },
    ]);
    expect(await replay.inspect(letter([{ kind: 'article', articleId: 'a1' }], true))).toMatchObject([
      { state: 'done', note: 'replayed' },
    ]);
    expect(touched).toEqual([]);
  });

  it('touches an article, hands an SNS event back to its function and runs a schedule once', async () => {
    const { table, touched } = fakeTable({});
    const replay = makeReplayDeadLetters({ table, run, clock });
    runs.length = 0;
    await replay.replay(letter([{ kind: 'article', articleId: 'a1' }]));
    expect((await replay.replay(letter([{ kind: 'article', articleId: 'gone' }])))[0]?.outcome).toBe('left');
    await replay.replay(letter([{ kind: 'feedback', messageId: 'm', event: {} }]));
    await replay.replay(letter([{ kind: 'schedule', function: 'sweep' }]));
    expect((await replay.replay(letter([{ kind: 'chunk', chunkKey: 'FANOUT#x' }])))[0]?.outcome).toBe('left');
    expect(touched).toEqual(['a1', 'gone']);
    expect(runs).toEqual(['sns feedback', 'schedule sweep']);
  });
});
