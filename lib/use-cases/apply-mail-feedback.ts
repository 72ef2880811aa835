import type { Clock, Metrics, SubscriberStore, SuppressionList } from '../ports';
import type { SubscriptionEnding } from '../subscriptions/model';
import type { BounceFeedback, ComplaintFeedback, MailFeedback } from '../subscriptions/ses-feedback';
import {
  type SuppressionReason,
  TRANSIENT_BOUNCE_LIMIT,
  TRANSIENT_BOUNCE_WINDOW_MS,
} from '../subscriptions/suppression';

/** What became of one recipient of a report. */
export type RecipientOutcome = 'suppressed' | 'already-suppressed' | 'bounce-counted';

export interface FeedbackOutcome {
  readonly recipients: number;
  readonly suppressed: number;
  readonly alreadySuppressed: number;
  readonly bouncesCounted: number;
}

const FEEDBACK = { source: 'ses-feedback' } as const;

interface Decision {
  readonly reason: SuppressionReason;
  readonly ending: Required<SubscriptionEnding>;
}

/**
 * 1. a transient or undetermined bounce is counted per address (once per SES feedback id); only the 3rd
 *    within 7 days goes on
 * 2. the address goes on the suppression list first, so mail stops at the next send whatever follows
 * 3. its subscriber, if any, ends: suppressed after a bounce, unsubscribed after a complaint; every topic
 *    leaves matching and the consent ledger says why, in the same transaction as the change
 * Every step is idempotent, so a redelivered notification changes nothing and a retry after a failure
 * finishes what the failed attempt left. Recipients are handled one by one: one failing does not stop the
 * others, and the failure is rethrown afterwards so the notification is retried.
 */
export function makeApplyMailFeedback(deps: {
  subscribers: SubscriberStore;
  suppressions: SuppressionList;
  clock: Clock;
  /** Bounces and Complaints, one per recipient SES reported, once the report is handled. */
  metrics: Metrics;
}) {
  async function decide(
    feedback: BounceFeedback | ComplaintFeedback,
    email: string,
  ): Promise<Decision | undefined> {
    const about = `message ${feedback.messageId}, feedback ${feedback.feedbackId}`;
    if (feedback.kind === 'complaint') {
      const type = feedback.complaintFeedbackType ?? 'no feedback type given';
      return {
        reason: 'complaint',
        ending: {
          status: 'unsubscribed',
          detail: `SES complaint (${type}) about ${about}; address suppressed`,
        },
      };
    }
    const kind = `${feedback.bounceType}/${feedback.bounceSubType}`;
    if (feedback.bounceType === 'Permanent') {
      return {
        reason: 'permanent-bounce',
        ending: { status: 'suppressed', detail: `SES permanent bounce (${kind}) of ${about}` },
      };
    }
    const count = await deps.suppressions.countTransientBounce(
      email,
      { feedbackId: feedback.feedbackId, messageId: feedback.messageId, at: feedback.at },
      TRANSIENT_BOUNCE_WINDOW_MS,
    );
    if (count < TRANSIENT_BOUNCE_LIMIT) return undefined;
    return {
      reason: 'transient-bounces',
      ending: {
        status: 'suppressed',
        detail: `${count} SES transient or undetermined bounces within 7 days, the latest (${kind}) of ${about}`,
      },
    };
  }

  async function applyTo(
    feedback: BounceFeedback | ComplaintFeedback,
    email: string,
  ): Promise<RecipientOutcome> {
    const decision = await decide(feedback, email);
    if (!decision) return 'bounce-counted';
    const now = deps.clock.now();
    const listed = await deps.suppressions.suppress(
      email,
      {
        reason: decision.reason,
        detail: decision.ending.detail,
        messageId: feedback.messageId,
        feedbackId: feedback.feedbackId,
      },
      now,
    );
    // Run even when the address was listed already: a retry must still finish the subscriber's ending.
    const subscriber = await deps.subscribers.findByEmail(email, now);
    const ended = subscriber
      ? await deps.subscribers.unsubscribe(subscriber.id, now, FEEDBACK, decision.ending)
      : false;
    return listed || ended ? 'suppressed' : 'already-suppressed';
  }

  return async function applyMailFeedback(feedback: MailFeedback): Promise<FeedbackOutcome> {
    const outcomes: RecipientOutcome[] = [];
    const failures: unknown[] = [];
    if (feedback.kind === 'bounce' || feedback.kind === 'complaint') {
      for (const email of feedback.recipients) {
        try {
          outcomes.push(await applyTo(feedback, email));
        } catch (error) {
          failures.push(error);
        }
      }
    }
    if (failures.length > 0) {
      const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
      throw new AggregateError(
        failures,
        `${failures.length} of ${outcomes.length + failures.length} recipients of the report failed: ${first}`,
      );
    }
    // After the failure check: a report that is retried is counted by the attempt that handles it.
    if (feedback.kind === 'bounce' || feedback.kind === 'complaint') {
      deps.metrics.count(feedback.kind === 'bounce' ? 'Bounces' : 'Complaints', feedback.recipients.length);
    }
    const count = (outcome: RecipientOutcome) => outcomes.filter((o) => o === outcome).length;
    return {
      recipients: outcomes.length,
      suppressed: count('suppressed'),
      alreadySuppressed: count('already-suppressed'),
      bouncesCounted: count('bounce-counted'),
    };
  };
}
