import { describe, expect, it } from 'vitest';
import { describeConcern } from '../../lib/dead-letters/dead-letter';
import { readLocalDeadLetters, replayLine } from '../../lib/dead-letters/local-dead-letters';

const streamLine = (pk: string, sk: string, at = '2026-12-03T10:00:00.000Z') =>
  JSON.stringify({
    function: 'send',
    reason: 'connect ECONNREFUSED',
    at,
    record: { eventName: 'INSERT', dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } }, NewImage: {} } },
  });

describe('reading dead-letters.jsonl', () => {
  it('reads a stream record into the item it concerns, by its keys', () => {
    const { letters } = readLocalDeadLetters(
      [
        streamLine('SUB#s1', 'DELIVERY#alert#story-1'),
        streamLine('ARTICLE#a1', 'ARTICLE'),
        streamLine('FANOUT#a1#p1#0', 'CHUNK'),
        streamLine('RATE#x', 'RATE'),
      ].join('\n'),
    );
    expect(letters.map((l) => l.concerns)).toEqual([
      [{ kind: 'delivery', subscriberId: 's1', key: 'alert#story-1' }],
      [{ kind: 'article', articleId: 'a1' }],
      [{ kind: 'chunk', chunkKey: 'FANOUT#a1#p1#0' }],
      [{ kind: 'unknown', detail: 'item RATE#x / RATE' }],
    ]);
    expect(letters[0]).toMatchObject({
      id: '1',
      at: '2026-12-03T10:00:00.000Z',
      function: 'send',
      reason: 'connect ECONNREFUSED',
      replayed: false,
    });
    expect(letters.map((l) => describeConcern(l.concerns[0] as never))).toEqual([
      'delivery s1/alert#story-1',
      'article a1',
      'fan-out chunk FANOUT#a1#p1#0',
      'item RATE#x / RATE',
    ]);
  });

  it('keeps an SNS event whole and names a scheduled run; a line without `at` takes its event time', () => {
    const event = { Records: [{ Sns: { MessageId: 'm-1', Timestamp: '2026-12-01T08:00:00.000Z' } }] };
    const { letters } = readLocalDeadLetters(
      `${JSON.stringify({ function: 'feedback', reason: 'boom', event })}\n${JSON.stringify({ function: 'sweep', reason: 'down', at: '2026-12-02T00:00:00.000Z', schedule: true })}\n`,
    );
    expect(letters[0]).toMatchObject({
      at: '2026-12-01T08:00:00.000Z',
      concerns: [{ kind: 'feedback', messageId: 'm-1', event }],
    });
    expect(letters[1]?.concerns).toEqual([{ kind: 'schedule', function: 'sweep' }]);
  });

  it('marks a line replayed by the line appended for it, and reports lines it cannot read without dropping others', () => {
    const content = [
      streamLine('ARTICLE#a1', 'ARTICLE'),
      'not json',
      streamLine('ARTICLE#a2', 'ARTICLE'),
      replayLine({ replayOf: 1, at: '2026-12-03T11:00:00.000Z', outcome: 'requeued' }).trim(),
      JSON.stringify({ reason: 'no function' }),
    ].join('\n');
    const { letters, unreadable } = readLocalDeadLetters(content);
    expect(letters.map((l) => [l.id, l.replayed])).toEqual([
      ['1', true],
      ['3', false],
    ]);
    expect(unreadable).toEqual([2, 5]);
  });
});
