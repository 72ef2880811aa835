import type { Clock, DigestPauseSwitch } from '../ports';
import { type ReputationAlarm, watchesReputation } from '../sending/reputation-alarm';

export type GuardOutcome =
  | 'paused'
  | 'already-paused'
  | 'duplicate'
  /** OK or INSUFFICIENT_DATA: an operator resumes, the alarm clearing does not. */
  | 'left-as-is'
  /** An alarm on some other metric, published to the guard's topic by mistake. */
  | 'not-a-reputation-alarm';

/**
 * 1. act only on alarms that watch SES's bounce or complaint rate
 * 2. on ALARM pause digests, naming the alarm, its metric and CloudWatch's reason; the alarm's name and
 *    change time identify the notification, so a redelivered one pauses once
 * 3. on OK change nothing: the rate fell, but whether to send digests again is an operator's call
 *    (`tidings digests resume`), since a paused account under review cannot afford a second spike
 * Alerts and confirmations are never paused: subscribers asked for those, and they are few.
 */
export function makeGuardReputation(deps: { pauses: Pick<DigestPauseSwitch, 'pause'>; clock: Clock }) {
  return async function guardReputation(alarm: ReputationAlarm): Promise<GuardOutcome> {
    if (!watchesReputation(alarm)) return 'not-a-reputation-alarm';
    if (alarm.state !== 'ALARM') return 'left-as-is';
    return deps.pauses.pause(
      {
        pausedAt: deps.clock.now().toISOString(),
        pausedBy: `alarm:${alarm.alarmName}`,
        reason: `${alarm.metrics.join(', ')} alarm at ${alarm.changedAt}: ${alarm.reason}`,
      },
      `${alarm.alarmName}#${alarm.changedAt}`,
    );
  };
}
