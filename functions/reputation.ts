import type { SNSEvent } from 'aws-lambda';
import { guardReputation } from '../lib/compose/reputation';
import { logger } from '../lib/log';
import { parseReputationAlarm } from '../lib/sending/reputation-alarm';
import { forEachSnsMessage } from '../lib/sns/sns-batch';

/**
 * CloudWatch alarm state changes on SES's bounce and complaint rates (via SNS) → pause digests on ALARM.
 * A message that is not an alarm is logged and skipped (`forEachSnsMessage`); a failed write is retried.
 */
export const handler = async (event: SNSEvent) => {
  const guard = guardReputation();
  await forEachSnsMessage(event, async (message, snsMessageId) => {
    const alarm = parseReputationAlarm(message);
    const outcome = await guard(alarm);
    const log = outcome === 'paused' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('Reputation alarm handled', {
      snsMessageId,
      alarmName: alarm.alarmName,
      state: alarm.state,
      metrics: alarm.metrics,
      changedAt: alarm.changedAt,
      outcome,
    });
  });
};
