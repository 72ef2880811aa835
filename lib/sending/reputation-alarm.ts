import { MalformedMessageError } from '../errors';

/**
 * A CloudWatch alarm's state change as the alarm publishes it to SNS (the JSON in `Sns.Message`), read into
 * what the reputation guard acts on. Only the fields used are read; CloudWatch may add others.
 */
export interface ReputationAlarm {
  readonly alarmName: string;
  readonly state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly reason: string;
  /** CloudWatch's time of the change, as it wrote it: with the alarm's name, what identifies the change. */
  readonly changedAt: string;
  /** The metrics the alarm watches (`Reputation.BounceRate`…): its own, or those of its metric math. */
  readonly metrics: readonly string[];
}

const STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;

/** The SES reputation metrics the guard acts on (SES reviews accounts at 5 % bounces, 0.1 % complaints). */
export const REPUTATION_METRICS = ['Reputation.BounceRate', 'Reputation.ComplaintRate'] as const;

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function metricNames(trigger: unknown): string[] {
  const { MetricName, Metrics } = (trigger ?? {}) as { MetricName?: unknown; Metrics?: unknown };
  const own = text(MetricName);
  const math = Array.isArray(Metrics)
    ? Metrics.map((m) =>
        text((m as { MetricStat?: { Metric?: { MetricName?: unknown } } })?.MetricStat?.Metric?.MetricName),
      )
    : [];
  return [own, ...math].filter((name): name is string => name !== undefined);
}

/** The alarm in `message`, or MalformedMessageError for anything that is not a CloudWatch alarm's change. */
export function parseReputationAlarm(message: string): ReputationAlarm {
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    throw new MalformedMessageError('The notification is not a JSON object: not a CloudWatch alarm.');
  }
  const alarmName = text(body.AlarmName);
  const state = STATES.find((s) => s === body.NewStateValue);
  const changedAt = text(body.StateChangeTime);
  if (!alarmName || !state || !changedAt || Number.isNaN(Date.parse(changedAt))) {
    throw new MalformedMessageError(
      'The notification lacks AlarmName, a NewStateValue of ALARM, OK or INSUFFICIENT_DATA, or a StateChangeTime.',
    );
  }
  return {
    alarmName,
    state,
    reason: text(body.NewStateReason) ?? '(no reason given)',
    changedAt,
    metrics: metricNames(body.Trigger),
  };
}

/** Whether the alarm watches SES's bounce or complaint rate (an alarm on anything else is not the guard's). */
export const watchesReputation = (alarm: ReputationAlarm) =>
  alarm.metrics.some((name) => (REPUTATION_METRICS as readonly string[]).includes(name));
