import { describe, expect, it } from 'vitest';
import { MalformedMessageError } from '../../lib/errors';
import type { DigestPause, DigestPauseSwitch } from '../../lib/ports';
import { parseReputationAlarm } from '../../lib/sending/reputation-alarm';
import { makeGuardReputation } from '../../lib/use-cases/guard-reputation';

const change = (fields: Record<string, unknown>) =>
  JSON.stringify({
    AlarmName: 'Tidings-ComplaintRate',
    NewStateValue: 'ALARM',
    NewStateReason: 'Threshold Crossed',
    StateChangeTime: '2026-12-02T09:00:00.000+0000',
    Trigger: { MetricName: 'Reputation.ComplaintRate', Namespace: 'AWS/SES' },
    ...fields,
  });

function recordingSwitch() {
  const pauses: { pause: DigestPause; id: string | undefined }[] = [];
  const pauseSwitch: Pick<DigestPauseSwitch, 'pause'> = {
    async pause(pause, id) {
      if (pauses.some((p) => p.id === id)) return 'duplicate';
      pauses.push({ pause, id });
      return pauses.length === 1 ? 'paused' : 'already-paused';
    },
  };
  return { pauses, pauseSwitch };
}

describe('reading a CloudWatch alarm notification', () => {
  it('reads the alarm, its state, reason, time and the metrics it watches', () => {
    expect(parseReputationAlarm(change({}))).toEqual({
      alarmName: 'Tidings-ComplaintRate',
      state: 'ALARM',
      reason: 'Threshold Crossed',
      changedAt: '2026-12-02T09:00:00.000+0000',
      metrics: ['Reputation.ComplaintRate'],
    });
  });

  it('refuses what is no alarm change, by name', () => {
    for (const bad of [
      'not json',
      '[]',
      change({ NewStateValue: 'MAYBE' }),
      change({ StateChangeTime: 'soon' }),
    ]) {
      expect(() => parseReputationAlarm(bad), bad).toThrow(MalformedMessageError);
    }
  });
});

describe('the reputation guard', () => {
  const now = new Date('2026-12-02T09:00:05Z');

  it('pauses digests on ALARM of a reputation metric, naming the alarm, once per notification', async () => {
    const { pauses, pauseSwitch } = recordingSwitch();
    const guard = makeGuardReputation({ pauses: pauseSwitch, clock: { now: () => now } });
    const alarm = parseReputationAlarm(change({}));
    expect(await guard(alarm)).toBe('paused');
    expect(await guard(alarm)).toBe('duplicate');
    expect(pauses).toHaveLength(1);
    expect(pauses[0]?.pause).toMatchObject({
      pausedAt: now.toISOString(),
      pausedBy: 'alarm:Tidings-ComplaintRate',
    });
    expect(pauses[0]?.pause.reason).toContain('Reputation.ComplaintRate');
  });

  it('does not resume on OK, and ignores alarms on other metrics', async () => {
    const { pauses, pauseSwitch } = recordingSwitch();
    const guard = makeGuardReputation({ pauses: pauseSwitch, clock: { now: () => now } });
    expect(await guard(parseReputationAlarm(change({ NewStateValue: 'OK' })))).toBe('left-as-is');
    expect(
      await guard(
        parseReputationAlarm(change({ Trigger: { MetricName: 'Errors', Namespace: 'AWS/Lambda' } })),
      ),
    ).toBe('not-a-reputation-alarm');
    expect(pauses).toEqual([]);
  });
});
