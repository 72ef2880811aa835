import { describe, expect, it } from 'vitest';
import {
  alertPair,
  checkAlerts,
  messageIdOf,
  NOBODY,
  type StoryWindow,
  type SubscriberState,
  type TrackedSubscriber,
} from '../../bench/load-expectations';

// bench:load's verdict on one story and one reader, who leaves 30 s after the story came in.
const DOMAIN = 'tidings.local';
const QUERY = 7;
const reading: SubscriberState = { active: true, instant: new Set([QUERY]), digest: new Set() };
const reader: TrackedSubscriber = {
  id: 'reader-1',
  email: 'reader-1@example.com',
  initial: reading,
  changes: [{ start: 130_000, end: 130_400, after: NOBODY }],
};
// Ingest took 40 ms and no message about the story was accepted: its only alert was this reader's.
const story: StoryWindow = { id: 'story-1', matched: new Set([QUERY]), from: 100_000, to: 100_040 };
const nothingReceived = new Map<string, number>();

describe("bench:load's alert check", () => {
  it('does not count as lost an alert skipped at the send because its reader had left while it waited', () => {
    // Queued behind a backlog, the delivery reached the send 10 minutes later and was skipped: right.
    const skippedAt = new Map([[alertPair(reader.id, story.id), 700_000]]);
    const check = checkAlerts([reader], [story], nothingReceived, DOMAIN, skippedAt);
    expect(check).toMatchObject({ expected: 0, lost: 0, excluded: 1 });
  });

  it('counts it lost when the ledger settled it before the reader changed anything', () => {
    const skippedAt = new Map([[alertPair(reader.id, story.id), 101_000]]);
    const check = checkAlerts([reader], [story], nothingReceived, DOMAIN, skippedAt);
    expect(check).toMatchObject({ expected: 1, lost: 1, excluded: 0 });
    expect(check.examples[0]).toMatch(
      /^reader-1@example.com never got story story-1 \(story window 0\.\.1\.0 s; change 30\.0 s/,
    );
  });

  it('counts an alert the reader got while unchanged as delivered, and a second one as a duplicate', () => {
    const id = messageIdOf(reader.id, `ALERT#${story.id}`, 'alert', DOMAIN);
    const settled = new Map([[alertPair(reader.id, story.id), 100_500]]);
    expect(checkAlerts([reader], [story], new Map([[id, 1]]), DOMAIN, settled)).toMatchObject({
      expected: 1,
      delivered: 1,
      duplicated: 0,
    });
    expect(checkAlerts([reader], [story], new Map([[id, 2]]), DOMAIN, settled)).toMatchObject({
      duplicated: 1,
    });
  });
});
