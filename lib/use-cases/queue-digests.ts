import type {
  Clock,
  DigestPause,
  DigestPauseReader,
  DigestRequest,
  DigestStore,
  ScheduledDigest,
  SubscriberStore,
} from '../ports';
import { MAX_DIGEST_ITEMS } from '../subscriptions/digest-contents';
import {
  digestPeriodsOf,
  lastDigestSlot,
  localTime,
  nextDigestSlot,
  slotPeriodKey,
} from '../subscriptions/digest-schedule';

/** A digest this late (the schedule was down) is skipped: the stories wait for the next slot instead. */
export const MAX_DIGEST_LATENESS_MS = 24 * 3_600_000;

/** What one run did, subscriber by subscriber. */
export interface DigestRunSummary {
  /** When the run took as now (the clock, or the operator's `--at`). */
  readonly at: string;
  readonly forced: boolean;
  /** Subscribers the index listed as due (every digest subscriber, when forced). */
  readonly due: number;
  readonly queued: number;
  /** Due, but nothing new was held for them: no email. */
  readonly nothingNew: number;
  /** Due more than a day ago: moved on to their next slot without a stale digest. */
  readonly late: number;
  /** Paused: their stories wait until mail resumes. */
  readonly paused: number;
  /** Failed, each logged with the subscriber's id; they stay due and are tried again next run. */
  readonly failed: number;
  /**
   * The reputation guard's pause, when it held the whole run back: nobody was looked at, every held match
   * stays, and the subscribers stay due, so the first run after an operator resumes sends them.
   */
  readonly guardPause?: DigestPause;
}

/** Where the run reports a subscriber it could not serve; the run itself carries on. */
export interface DigestRunLog {
  failed(subscriberId: string, error: unknown): void;
}

type Outcome = 'queued' | 'nothingNew' | 'late' | 'paused';

/**
 * 0. while the reputation guard pauses digests, do nothing at all (alerts and confirmations go on elsewhere)
 * 0. file subscribers still in the index's old form under their next slot
 * 1. read the subscribers whose next digest is due by now from the digest index (every digest subscriber
 *    when forced), never the ones waiting for a later hour
 * 2. for each: one digest for the latest slot due (a run after an outage catches up once, and not at all
 *    more than a day late), merging every period due in it into one email
 * 3. file them under their next slot; a forced run leaves the schedule as it is and has its own ledger key
 * A subscriber that fails is logged and counted, and the run goes on. Sending happens downstream, on the
 * delivery's stream record.
 */
export function makeQueueDigests(deps: {
  subscribers: Pick<SubscriberStore, 'listTopics'>;
  digests: DigestStore;
  digestPause: DigestPauseReader;
  clock: Clock;
  log: DigestRunLog;
}) {
  async function serve({ subscriber, due }: ScheduledDigest, now: Date, force: boolean): Promise<Outcome> {
    const topics = (await deps.subscribers.listTopics(subscriber.id)).filter((t) => t.status === 'active');
    const periods = digestPeriodsOf(topics);
    const reschedule = () =>
      force
        ? Promise.resolve()
        : deps.digests.reschedule(subscriber.id, due, nextDigestSlot(subscriber, periods, now)?.at);
    const slot = force
      ? { date: localTime(now, subscriber.timezone).date, periods }
      : lastDigestSlot(subscriber, periods, now);
    if (!slot || slot.periods.length === 0 || subscriber.status !== 'active') {
      await reschedule();
      return 'nothingNew';
    }
    if (!force && 'at' in slot && now.getTime() - slot.at.getTime() > MAX_DIGEST_LATENESS_MS) {
      await reschedule();
      return 'late';
    }
    if (subscriber.pausedUntil && subscriber.pausedUntil > now.toISOString()) {
      await reschedule();
      return 'paused';
    }
    const { period, periodKey } = slotPeriodKey(slot);
    const request: DigestRequest = {
      subscriberId: subscriber.id,
      // A forced digest is its own: it does not use up the slot the schedule will send.
      key: force ? `DIGEST#forced#${now.toISOString()}` : `DIGEST#${period}#${periodKey}`,
      period,
      periodKey,
      periods: slot.periods,
      activeTopicIds: new Set(topics.map((topic) => topic.id)),
      limit: MAX_DIGEST_ITEMS,
    };
    const digest = await deps.digests.queueDigest(request, now);
    await reschedule();
    return digest ? 'queued' : 'nothingNew';
  }

  return async function queueDigests(
    options: { force?: boolean; at?: Date } = {},
  ): Promise<DigestRunSummary> {
    const now = options.at ?? deps.clock.now();
    const force = options.force === true;
    const counts = { due: 0, queued: 0, nothingNew: 0, late: 0, paused: 0, failed: 0 };
    // Forced runs too: the guard pauses digests because the account's reputation is at risk, and an
    // operator who wants them sent resumes it first.
    const guardPause = await deps.digestPause.current(now);
    if (guardPause) return { at: now.toISOString(), forced: force, ...counts, guardPause };
    // Subscribers filed before the index was sorted by due instant get their slot first; a failure there
    // is reported and tried again next run, and keeps nobody already filed from their digest.
    await deps.digests
      .refileLegacy(now)
      .catch((error: unknown) => deps.log.failed('(old digest index)', error));
    for await (const scheduled of deps.digests.listDue(force ? undefined : now)) {
      counts.due++;
      try {
        counts[await serve(scheduled, now, force)]++;
      } catch (error) {
        deps.log.failed(scheduled.subscriber.id, error);
        counts.failed++;
      }
    }
    return { at: now.toISOString(), forced: force, ...counts };
  };
}
