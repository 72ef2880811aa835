import type { SendLedger } from '../ports';
import type { SendFeedback } from '../subscriptions/ses-feedback';

/** `recorded`: the sender had not (it died, or its write failed); `unchanged`: it had, or a later attempt owns the delivery. */
export type SendEventOutcome = 'recorded' | 'unchanged' | 'untagged';

/**
 * SES's Send event says it accepted a message: record the delivery its tags name as sent, for the attempt
 * that sent it. Normally the sender got there first and this changes nothing; when the sender died between
 * SES's answer and its own write, this is what keeps the sweeper from sending the message again.
 */
export function makeRecordAcceptedSend(deps: { deliveries: Pick<SendLedger, 'markAccepted'> }) {
  return async function recordAcceptedSend(event: SendFeedback): Promise<SendEventOutcome> {
    if (!event.delivery) return 'untagged';
    return (await deps.deliveries.markAccepted(event.delivery, event.messageId, event.at))
      ? 'recorded'
      : 'unchanged';
  };
}
