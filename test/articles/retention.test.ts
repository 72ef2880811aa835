import { describe, expect, it } from 'vitest';
import { articleExpiry } from '../../lib/articles';

const expiry = (publishedAt: string, ingestedAt: string, days: number) =>
  articleExpiry({ publishedAt, ingestedAt }, days).toISOString();

describe('when a stored article expires', () => {
  it('is the retention period after publication for a story that arrives as it is published', () => {
    expect(expiry('2026-12-01T06:00:00.000Z', '2026-12-01T06:02:00.000Z', 90)).toBe(
      '2027-03-01T06:00:00.000Z',
    );
  });

  it('is a week after arrival for a story that arrives old, so its alerts and digest still open it', () => {
    expect(expiry('2026-01-01T06:00:00.000Z', '2026-12-01T08:00:00.000Z', 90)).toBe(
      '2026-12-08T08:00:00.000Z',
    );
  });

  it('is never more than the retention period after arrival when that period is under a week', () => {
    expect(expiry('2026-11-01T06:00:00.000Z', '2026-12-01T08:00:00.000Z', 2)).toBe(
      '2026-12-03T08:00:00.000Z',
    );
  });

  it('counts from the publication date of a story dated ahead (an embargo)', () => {
    expect(expiry('2026-12-10T00:00:00.000Z', '2026-12-01T08:00:00.000Z', 30)).toBe(
      '2027-01-09T00:00:00.000Z',
    );
  });
});
