import { createHash } from 'node:crypto';

/** What one subscriber would be sent, in one stretch of time: topics by the index of their query. */
export interface SubscriberState {
  readonly active: boolean;
  readonly instant: ReadonlySet<number>;
  readonly digest: ReadonlySet<number>;
}

/** A change the bench made (subscribe and confirm, preference change, one-click unsubscribe), from request to answer. */
export interface Change {
  readonly start: number;
  readonly end: number;
  readonly after: SubscriberState;
}

export interface TrackedSubscriber {
  id: string;
  readonly email: string;
  readonly initial: SubscriberState;
  readonly changes: Change[];
}

/** One stored story: the queries its articles match, and the time it was in the pipeline. */
export interface StoryWindow {
  readonly id: string;
  readonly matched: ReadonlySet<number>;
  /** The first of its articles' ingest requests began. */
  readonly from: number;
  /** The last message about it was accepted (or its last ingest answered, when none was). */
  readonly to: number;
}

export const NOBODY: SubscriberState = { active: false, instant: new Set(), digest: new Set() };

/** Every state a change leaves: the same topics, or none once unsubscribed. */
export const stateOf = (
  active: boolean,
  topics: readonly { query: number; frequency: string }[],
): SubscriberState => ({
  active,
  instant: new Set(topics.filter((t) => t.frequency === 'instant').map((t) => t.query)),
  digest: new Set(topics.filter((t) => t.frequency !== 'instant').map((t) => t.query)),
});

/**
 * Before an article arrives, a topic change reaches a warm matcher within its poll interval (250 ms) plus
 * the GSI's lag; a change this close to a story's window is counted as inside it.
 */
export const RACE_MARGIN_MS = 2_000;

/** The Message-ID Tidings gives a delivery (`lib/use-cases/delivery-email.ts`), so the bench can name each alert. */
export function messageIdOf(subscriberId: string, key: string, kind: string, domain: string): string {
  const hash = createHash('sha256').update(`${subscriberId}\n${key}`).digest('base64url');
  return `<${hash.slice(0, 32)}.${kind}@${domain}>`;
}

/** The subscriber's state throughout [from, to], or undefined when a change of theirs overlaps it. */
export function stateDuring(subscriber: TrackedSubscriber, from: number, to: number) {
  let state = subscriber.initial;
  for (const change of subscriber.changes) {
    if (change.end < from - RACE_MARGIN_MS) state = change.after;
    else if (change.start <= to + RACE_MARGIN_MS) return undefined;
  }
  return state;
}

const intersects = (a: ReadonlySet<number>, b: ReadonlySet<number>) => {
  for (const x of a) if (b.has(x)) return true;
  return false;
};

/** The key of one (subscriber, story) alert in `checkAlerts`'s map of when the ledger settled it. */
export const alertPair = (subscriberId: string, storyId: string) => `${subscriberId}\n${storyId}`;

/** A subscriber's changes relative to a story's window, for a failure's example line. */
function describe(subscriber: TrackedSubscriber, story: StoryWindow, until: number): string {
  const at = (t: number) => `${((t - story.from) / 1000).toFixed(1)} s`;
  const changes = subscriber.changes.map((c) => `change ${at(c.start)}..${at(c.end)}`);
  const matching = [...subscriber.initial.instant].filter((q) => story.matched.has(q));
  return [
    `story window 0..${at(until)}`,
    ...changes,
    `initial instant topics matching: ${matching.join(',') || 'none'}`,
  ].join('; ');
}

/** Subscribers by each query they had as an instant topic at any time in the run. */
export function byInstantQuery(subscribers: readonly TrackedSubscriber[]): Map<number, TrackedSubscriber[]> {
  const byQuery = new Map<number, TrackedSubscriber[]>();
  for (const subscriber of subscribers) {
    const queries = new Set([
      ...subscriber.initial.instant,
      ...subscriber.changes.flatMap((c) => [...c.after.instant]),
    ]);
    for (const query of queries) {
      const list = byQuery.get(query) ?? [];
      list.push(subscriber);
      byQuery.set(query, list);
    }
  }
  return byQuery;
}

export interface AlertCheck {
  /** (subscriber, story) pairs that had to get exactly one alert. */
  readonly expected: number;
  readonly delivered: number;
  readonly lost: number;
  /** Pairs with more than one alert, in the race window or not: a delivery is keyed by subscriber and story. */
  readonly duplicated: number;
  /** Alerts to someone who was not to get that story (or to nobody the bench knows). */
  readonly unexpected: number;
  /** Pairs left out of lost and unexpected because a change of the subscriber overlapped the story. */
  readonly excluded: number;
  readonly excludedReceived: number;
  readonly examples: string[];
  /** The first few lost pairs, for a look at their ledger entries. */
  readonly lostPairs: { subscriberId: string; storyId: string }[];
}

/**
 * Every confirmed, active subscriber whose instant topic matches a story gets exactly one alert about it,
 * and nobody else gets any: for each story, each subscriber who had such a topic at any time in the run is
 * expected to get one if their state was the same from the story's first ingest request (less the race
 * margin) to its last accepted message or the ledger's last word on their own alert, whichever is later
 * (plus the margin), and none if that state was not active or had no matching instant topic. Pairs whose
 * subscriber changed in that window are excluded and counted. `settledAt` (by `alertPair`) is when the
 * ledger sent or skipped each alert delivery: an alert queued behind a backlog and skipped at the send
 * because its reader unsubscribed meanwhile is right, though no message of its story marks that moment.
 */
export function checkAlerts(
  subscribers: readonly TrackedSubscriber[],
  stories: readonly StoryWindow[],
  received: ReadonlyMap<string, number>,
  domain: string,
  settledAt: ReadonlyMap<string, number>,
): AlertCheck {
  const byQuery = byInstantQuery(subscribers);
  const counted = new Set<string>();
  const result = {
    expected: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    excluded: 0,
    excludedReceived: 0,
  };
  const examples: string[] = [];
  const lostPairs: { subscriberId: string; storyId: string }[] = [];
  const example = (line: string) => {
    if (examples.length < 10) examples.push(line);
  };
  for (const story of stories) {
    const candidates = new Set<TrackedSubscriber>();
    for (const query of story.matched) for (const s of byQuery.get(query) ?? []) candidates.add(s);
    for (const subscriber of candidates) {
      const id = messageIdOf(subscriber.id, `ALERT#${story.id}`, 'alert', domain);
      counted.add(id);
      const got = received.get(id) ?? 0;
      if (got > 1) {
        result.duplicated++;
        example(`${subscriber.email} got story ${story.id} ${got} times`);
      }
      const until = Math.max(story.to, settledAt.get(alertPair(subscriber.id, story.id)) ?? 0);
      const state = stateDuring(subscriber, story.from, until);
      if (state === undefined) {
        result.excluded++;
        if (got > 0) result.excludedReceived++;
        continue;
      }
      const due = state.active && intersects(state.instant, story.matched);
      if (due) {
        result.expected++;
        if (got === 0) {
          result.lost++;
          if (lostPairs.length < 5) lostPairs.push({ subscriberId: subscriber.id, storyId: story.id });
          example(`${subscriber.email} never got story ${story.id} (${describe(subscriber, story, until)})`);
        } else result.delivered++;
      } else if (got > 0) {
        result.unexpected++;
        example(
          `${subscriber.email} got story ${story.id} without an active matching instant topic (${describe(subscriber, story, until)})`,
        );
      }
    }
  }
  for (const [id, got] of received) {
    if (!counted.has(id)) {
      result.unexpected += got;
      example(`alert ${id} matches no (subscriber, story) pair of the run`);
    }
  }
  return { ...result, examples, lostPairs };
}

export interface DigestCheck {
  readonly expected: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly unexpected: number;
  /** Subscribers changed during the run, whose digest the bench does not predict. */
  readonly excluded: number;
}

/**
 * A `--now` digest run: every subscriber unchanged throughout the run, active, with a daily or weekly topic
 * that a stored story matched, gets exactly one digest; nobody else unchanged gets one.
 */
export function checkDigests(
  subscribers: readonly TrackedSubscriber[],
  stories: readonly StoryWindow[],
  digestsTo: ReadonlyMap<string, number>,
): DigestCheck {
  const matched = new Set<number>();
  for (const story of stories) for (const query of story.matched) matched.add(query);
  const result = { expected: 0, delivered: 0, lost: 0, duplicated: 0, unexpected: 0, excluded: 0 };
  const known = new Set<string>();
  for (const subscriber of subscribers) {
    known.add(subscriber.email);
    const got = digestsTo.get(subscriber.email) ?? 0;
    if (got > 1) result.duplicated++;
    if (subscriber.changes.length > 0) {
      result.excluded++;
      continue;
    }
    const due = subscriber.initial.active && intersects(subscriber.initial.digest, matched);
    if (due) {
      result.expected++;
      if (got === 0) result.lost++;
      else result.delivered++;
    } else if (got > 0) result.unexpected++;
  }
  for (const [to, got] of digestsTo) if (!known.has(to)) result.unexpected += got;
  return result;
}
