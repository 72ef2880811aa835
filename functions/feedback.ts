import type { SNSEvent } from 'aws-lambda';
import {
  applyMailFeedback as composeApplyMailFeedback,
  recordAcceptedSend as composeRecordAcceptedSend,
} from '../lib/compose/feedback';
import { withMetrics } from '../lib/compose/metrics';
import { logger } from '../lib/log';
import { forEachSnsMessage } from '../lib/sns/sns-batch';
import { parseSesFeedback } from '../lib/subscriptions/ses-feedback';

/**
 * SES events (via SNS): a Send records its delivery as sent if its sender could not; bounces and complaints
 * suppress, unsubscribe or count the addresses.
 */
export const handler = withMetrics(async (event: SNSEvent) => {
  await forEachSnsMessage(event, async (message, snsMessageId) => {
    const feedback = parseSesFeedback(message, new Date());
    if (feedback.kind === 'send') {
      const outcome = await composeRecordAcceptedSend()(feedback);
      // One per message sent: only the rare one that recorded what its sender could not is worth a line.
      logger[outcome === 'recorded' ? 'info' : 'debug']('Send event handled', {
        snsMessageId,
        sesMessageId: feedback.messageId,
        outcome,
      });
      return;
    }
    const applyMailFeedback = await composeApplyMailFeedback();
    const outcome = await applyMailFeedback(feedback);
    // Ids and counts only: addresses stay out of the logs.
    logger.info('Mail feedback handled', {
      snsMessageId,
      kind: feedback.kind === 'bounce' ? `bounce/${feedback.bounceType}` : feedback.kind,
      ...(feedback.kind !== 'other' && { sesMessageId: feedback.messageId, feedbackId: feedback.feedbackId }),
      ...outcome,
    });
  });
});
