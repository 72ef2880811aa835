import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { forEachNewImageConcurrently } from '../../lib/stream/stream-batch';

const batch = (n: number): DynamoDBStreamEvent => ({
  Records: Array.from({ length: n }, (_, i) => ({
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: String(100 + i), NewImage: marshall({ n: i }) as never },
  })),
});

describe('a stream batch handled concurrently', () => {
  it('runs records side by side, at most the given number at once', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    const result = await forEachNewImageConcurrently(
      batch(10),
      async (image) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        seen.push(image.n as number);
        running--;
      },
      4,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(most).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reports the earliest failed record, whichever failed first, so Lambda retries from there', async () => {
    const result = await forEachNewImageConcurrently(
      batch(10),
      async (image) => {
        const n = image.n as number;
        // Record 7 fails at once, record 3 later: 3 is still the one reported.
        await new Promise((r) => setTimeout(r, n === 3 ? 30 : 1));
        if (n === 3 || n === 7) throw new Error(`record ${n} failed`);
      },
      10,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '103' }]);
  });
});
