import { describe, expect, it } from 'vitest';
import {
  CHUNK_BYTES,
  CHUNK_RECIPIENTS,
  chunkRecipients,
  MAX_TERM_CHARS,
  MAX_TERMS_PER_TOPIC,
  planId,
  planRecipients,
} from '../../lib/matching/fan-out-plan';
import type { Frequency } from '../../lib/subscriptions/model';

const match = (subscriberId: string, topicId: string, frequency: Frequency, terms = ['iran']) => ({
  subscriberId,
  topicId,
  frequency,
  terms,
});

describe('planning who gets a story', () => {
  it('sends it once per subscriber, by their quickest matching topic', () => {
    const plan = planRecipients([
      match('ann', 'weekly-1', 'weekly'),
      match('ann', 'daily-1', 'daily'),
      match('ann', 'instant-1', 'instant'),
      match('ann', 'instant-2', 'instant', ['iraq']),
      match('bob', 'weekly-1', 'weekly'),
      match('bob', 'daily-1', 'daily'),
      match('cy', 'weekly-1', 'weekly'),
    ]);
    expect(plan).toEqual([
      {
        subscriberId: 'ann',
        kind: 'alert',
        topics: [
          { topicId: 'instant-1', terms: ['iran'] },
          { topicId: 'instant-2', terms: ['iraq'] },
        ],
      },
      { subscriberId: 'bob', kind: 'daily', topics: [{ topicId: 'daily-1', terms: ['iran'] }] },
      { subscriberId: 'cy', kind: 'weekly', topics: [{ topicId: 'weekly-1', terms: ['iran'] }] },
    ]);
  });

  it('keeps a few matched words per topic, each of bounded length, and never a copy of the query', () => {
    const words = Array.from({ length: 40 }, (_, i) => `${i}${'w'.repeat(100)}`);
    const [recipient] = planRecipients([match('ann', 't', 'instant', words)]);
    const terms = recipient?.topics[0]?.terms ?? [];
    expect(terms).toHaveLength(MAX_TERMS_PER_TOPIC);
    expect(Math.max(...terms.map((t) => t.length))).toBe(MAX_TERM_CHARS);
    expect(Object.keys(recipient?.topics[0] ?? {})).toEqual(['topicId', 'terms']);
  });

  it('plans the same chunks, under the same id, from the same matches in any order', () => {
    const matches = Array.from({ length: 1_234 }, (_, i) => match(`sub-${i}`, `t-${i}`, 'instant'));
    const once = planRecipients(matches);
    const again = planRecipients([...matches].reverse());
    expect(again).toEqual(once);
    expect(planId(again)).toBe(planId(once));
    expect(planId(once.slice(1))).not.toBe(planId(once));
  });
});

describe('chunking a fan-out', () => {
  it('puts 100,000 recipients in chunks of 500, none lost or repeated', () => {
    const recipients = planRecipients(
      Array.from({ length: 100_000 }, (_, i) => match(`sub-${String(i).padStart(6, '0')}`, 't', 'instant')),
    );
    const chunks = chunkRecipients(recipients);
    expect(chunks).toHaveLength(100_000 / CHUNK_RECIPIENTS);
    expect(chunks.every((chunk) => chunk.length === CHUNK_RECIPIENTS)).toBe(true);
    expect(new Set(chunks.flat().map((r) => r.subscriberId)).size).toBe(100_000);
  });

  it('keeps every chunk far below the 400 KB item limit, even for subscribers with many long matches', () => {
    // As hostile as the API allows: 25 topics, each matching with as many long words as are kept.
    const words = Array.from({ length: 40 }, (_, i) => `${'x'.repeat(200)}${i}`);
    const recipients = planRecipients(
      Array.from({ length: 2_000 }, (_, i) =>
        Array.from({ length: 25 }, (_, t) =>
          match(`sub-${String(i).padStart(5, '0')}`, `topic-${t}`, 'instant', words),
        ),
      ).flat(),
    );
    const chunks = chunkRecipients(recipients);
    expect(chunks.flat()).toHaveLength(2_000);
    const sizes = chunks.map((chunk) => Buffer.byteLength(JSON.stringify(chunk)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_BYTES + 1_000);
    expect(Math.max(...sizes)).toBeLessThan((400 * 1024) / 2);
  });
});
