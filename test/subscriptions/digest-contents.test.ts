import { describe, expect, it } from 'vitest';
import type { MatchedTopic } from '../../lib/ports';
import {
  CorruptHeldMatchError,
  type HeldMatch,
  MAX_DIGEST_ITEMS,
  parseHeldMatch,
  planDigest,
} from '../../lib/subscriptions/digest-contents';

const topic = (topicId: string, terms: string[], query = `query of ${topicId}`) =>
  ({ topicId, query, terms }) as unknown as MatchedTopic;

const held = (
  articleId: string,
  period: 'daily' | 'weekly',
  topics: MatchedTopic[],
  heldAt = '2026-11-27T10:00:00Z',
  storyId = articleId,
): HeldMatch => ({
  ref: `PENDING#${period}#${storyId}`,
  period,
  articleId,
  storyId,
  heldAt,
  topics,
});

const everything = {
  activeTopicIds: new Set(['a', 'b']),
  alreadySent: new Set<string>(),
  limit: 50,
  maxDeletes: 98,
};

describe('what one digest lists', () => {
  it('lists a story held by two periods once, with the topics of both', () => {
    const plan = planDigest(
      [held('x', 'daily', [topic('a', ['iran'])]), held('x', 'weekly', [topic('b', ['iraq'])])],
      everything,
    );
    expect(plan.entries).toEqual([{ articleId: 'x', topics: [topic('a', ['iran']), topic('b', ['iraq'])] }]);
    expect(plan.taken).toEqual(['PENDING#daily#x', 'PENDING#weekly#x']);
  });

  it('lists one line per story: two outlets’ versions held by two periods are one entry, the first held', () => {
    const plan = planDigest(
      [
        held('outlet-b', 'weekly', [topic('b', ['iraq'])], '2026-11-27T11:00:00Z', 'story-1'),
        held('outlet-a', 'daily', [topic('a', ['iran'])], '2026-11-27T10:00:00Z', 'story-1'),
      ],
      everything,
    );
    expect(plan.entries).toEqual([
      { articleId: 'outlet-a', storyId: 'story-1', topics: [topic('b', ['iraq']), topic('a', ['iran'])] },
    ]);
    expect(plan.taken).toEqual(['PENDING#weekly#story-1', 'PENDING#daily#story-1']);
  });

  it('drops a version of a story already sent, whichever outlet’s version that was', () => {
    const plan = planDigest([held('outlet-b', 'daily', [topic('a', [])], undefined, 'story-2')], {
      ...everything,
      alreadySent: new Set(['story-2']),
    });
    expect(plan.entries).toEqual([]);
    expect(plan.dropped).toEqual(['PENDING#daily#story-2']);
  });

  it('drops stories already sent and stories of topics no longer active', () => {
    const plan = planDigest(
      [
        held('sent', 'daily', [topic('a', [])]),
        held('gone', 'daily', [topic('removed', [])]),
        held('new', 'daily', [topic('a', [])]),
      ],
      { ...everything, alreadySent: new Set(['sent']) },
    );
    expect(plan.entries.map((e) => e.articleId)).toEqual(['new']);
    expect([...plan.dropped].sort()).toEqual(['PENDING#daily#gone', 'PENDING#daily#sent']);
  });

  it('takes the oldest first and counts what waits, within the transaction’s room', () => {
    const matches = Array.from({ length: 60 }, (_, i) =>
      held(`s${i}`, 'daily', [topic('a', [])], new Date(Date.UTC(2026, 10, 27, 0, 60 - i)).toISOString()),
    );
    const plan = planDigest(matches, everything);
    expect(plan.entries).toHaveLength(MAX_DIGEST_ITEMS);
    expect(plan.entries[0]?.articleId).toBe('s59');
    expect(plan.remaining).toBe(10);
    expect(plan.unexpire).toEqual([]);
    // A carried story held with an expiry (before held matches stopped expiring) is to lose it.
    const legacy = planDigest(
      matches.map((m) => ({ ...m, expires: true })),
      everything,
    );
    expect([...legacy.unexpire].sort()).toEqual(
      matches
        .slice(0, 10)
        .map((m) => m.ref)
        .sort(),
    );
    // Two held items a story: room for 49 stories in 98 deletes.
    const doubled = matches.flatMap((m) => [
      m,
      { ...m, period: 'weekly' as const, ref: m.ref.replace('daily', 'weekly') },
    ]);
    expect(planDigest(doubled, everything).entries).toHaveLength(49);
  });

  it('keeps a digest of the largest matches far below DynamoDB’s 400 KB item limit', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `topic-${'x'.repeat(30)}-${i}`);
    const huge = Array.from({ length: 200 }, (_, i) =>
      held(
        `article-${'y'.repeat(60)}-${i}`,
        'daily',
        ids.map((id) =>
          topic(
            id,
            Array.from({ length: 40 }, (_, j) => `${'w'.repeat(200)}${j}`),
            'q'.repeat(500),
          ),
        ),
      ),
    );
    const plan = planDigest(huge, { ...everything, activeTopicIds: new Set(ids) });
    expect(plan.entries).toHaveLength(MAX_DIGEST_ITEMS);
    expect(Buffer.byteLength(JSON.stringify(plan.entries))).toBeLessThan(150_000);
  });

  it('names a held match it cannot read', () => {
    expect(() => parseHeldMatch({ sk: 'PENDING#daily#x', articleId: 'x', topics: 'garbage' })).toThrow(
      CorruptHeldMatchError,
    );
    expect(() => parseHeldMatch({ sk: 'PENDING#daily#x', topics: [] })).toThrow(/no article id/);
    expect(
      parseHeldMatch({ sk: 'PENDING#weekly#x', articleId: 'x', heldAt: 't', topics: [{ topicId: 'a' }] }),
    ).toEqual({
      ref: 'PENDING#weekly#x',
      period: 'weekly',
      articleId: 'x',
      // Held before stories were clustered: the article is its own story.
      storyId: 'x',
      heldAt: 't',
      topics: [{ topicId: 'a', terms: [] }],
    });
    expect(parseHeldMatch({ sk: 'PENDING#daily#s', articleId: 'x', storyId: 's', topics: [] }).storyId).toBe(
      's',
    );
  });
});
