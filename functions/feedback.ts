import type { SNSEvent } from 'aws-lambda';
import { applyMailFeedback as composeApplyMailFeedback } from '../lib/compose/feedback';
import { withMetrics } from '../lib/compose/metrics';
import { logger } from '../lib/log';
import { forEachSnsMessage } from '../lib/sns/sns-batch';
import { parseSesFeedback } from '../lib/subscriptions/ses-feedback';

/** SES bounce and complaint notifications (via SNS) → suppress, unsubscribe or count the addresses. */
export const handler = withMetrics(async (event: SNSEvent) => {
  const applyMailFeedback = await composeApplyMailFeedback();
  await forEachSnsMessage(event, async (message, snsMessageId) => {
    const feedback = parseSesFeedback(message, new Date());
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
