import { buildRawMessage } from '../email';
import {
  DailyQuotaExceededError,
  MailRejectedError,
  MailRetryableError,
  MailThrottledError,
  UnrecordedSendError,
} from '../errors';
import type {
  AlertDelivery,
  ArticleReader,
  Clock,
  CountMetric,
  Delivery,
  DigestDelivery,
  DigestPauseReader,
  Mailer,
  Metrics,
  OutgoingMail,
  SendLedger,
  SendPause,
  SendThrottle,
  StoryReader,
  SubscriberStore,
  SuppressionCheck,
  TopicsByKey,
} from '../ports';
import { deliveryTags } from '../sending/delivery-tags';
import { priorityOf } from '../sending/send-priority';
import { type DeliveryEmail, type MailIdentity, makeDeliveryEmail } from './delivery-email';
import type { Links } from './links';
import { activeQueries } from './topic-queries';

export type SendOutcome = 'sent' | 'skipped' | 'failed' | 'deferred' | 'already-taken';

/** Exponential backoff with full jitter: a random wait up to `base × 2^attempt`, at most `max`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

export interface SendPolicy {
  /** Sends of one claim SES may throttle (or fail with a 5xx) before the delivery is put aside. */
  readonly sendTries: number;
  /** Writes of the message id tried before giving up (the claim then stays for the sweeper). */
  readonly recordTries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** A delivery put aside waits about this × 2^claims (at most `requeueMaxMs`) before the sweeper queues it. */
  readonly requeueBaseMs: number;
  readonly requeueMaxMs: number;
  /** Claims after which a delivery that still cannot be sent is marked failed instead of retried. */
  readonly maxClaims: number;
  /**
   * How long every sender pauses when SES reports the daily quota used up. The quota is a rolling 24 hours,
   * so capacity returns bit by bit: after the pause one send tries again and, if refused, pauses again.
   */
  readonly quotaPauseMs: number;
  /**
   * How often a digest held by the reputation guard's pause is looked at again. The pause has no end time
   * (an operator resumes it), so the sweeper brings each one back this often until it goes out.
   */
  readonly digestPauseRecheckMs: number;
}

export const defaultSendPolicy: SendPolicy = {
  sendTries: 4,
  recordTries: 6,
  retryBaseMs: 200,
  retryMaxMs: 5000,
  requeueBaseMs: 30_000,
  requeueMaxMs: 15 * 60_000,
  maxClaims: 8,
  quotaPauseMs: 15 * 60_000,
  digestPauseRecheckMs: 15 * 60_000,
};

/** What each kind of delivery counts once SES has accepted it. */
const SENT_METRIC: Record<Delivery['kind'], CountMetric> = {
  alert: 'AlertsSent',
  digest: 'DigestsSent',
  confirm: 'ConfirmationsSent',
};

/** The topics an alert or digest was matched by: all the sender needs to read of the subscriber's topics. */
const topicIdsOf = (delivery: AlertDelivery | DigestDelivery) =>
  (delivery.kind === 'alert' ? delivery.topics : delivery.entries.flatMap((entry) => entry.topics)).map(
    (topic) => topic.topicId,
  );

/** The same promise, marked handled: it is awaited later, or dropped when the claim fails. */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * 1. claim the queued delivery under a new attempt id (only one worker may send it; a dead worker's claim
 *    goes stale and the sweeper queues it again)
 * 2. while SES's daily quota is used up, put it aside until the pause ends; while the reputation guard
 *    pauses digests, put a digest aside (alerts and confirmations go on)
 * 3. skip an alert or digest if the subscriber is no longer active, a confirmation if its link expired,
 *    and any of them if the address is on the suppression list (SES reported it bouncing or complaining)
 * 4. render, take a token of the global send rate at the delivery's priority, and send; SES throttling or
 *    5xx is retried with backoff, a rejection marks the delivery failed, the daily quota pauses every sender
 * 5. record the provider's message id; if that fails, retry only the recording, never the send. The message
 *    carries tags naming the attempt, so SES's Send event records it too when this worker dies first
 */
export function makeSendDelivery(deps: {
  subscribers: Pick<SubscriberStore, 'get'> & TopicsByKey;
  articles: ArticleReader;
  /** The outlets of each story, for "also reported by". */
  stories: StoryReader;
  deliveries: SendLedger;
  suppressions: SuppressionCheck;
  mailer: Mailer;
  throttle: SendThrottle;
  pause: SendPause;
  /** The reputation guard's digest pause (`reputation` function, `tidings digests resume`). */
  digestPause: DigestPauseReader;
  /** AlertsSent, DigestsSent, ConfirmationsSent per message SES accepted; SendThrottles per throttled try. */
  metrics: Metrics;
  clock: Clock;
  ids: { newId(): string };
  links: Links;
  mailFrom: string;
  /** The postal address, unsubscribe mailbox and configuration set list mail names; none in older tests. */
  identity?: Omit<MailIdentity, 'mailFrom'>;
  /**
   * After this long a 'sending' claim is taken to belong to a worker that died mid-send: the sweeper queues
   * it again, unless SES's Send event recorded the message as sent first. At least once rather than lost.
   */
  claimTimeoutMs: number;
  policy?: Partial<SendPolicy>;
  sleep?: (ms: number) => Promise<void>;
}) {
  const emails = makeDeliveryEmail({
    articles: deps.articles,
    stories: deps.stories,
    links: deps.links,
    identity: { mailFrom: deps.mailFrom, ...deps.identity },
  });
  const policy = { ...defaultSendPolicy, ...deps.policy };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const later = (ms: number) => new Date(deps.clock.now().getTime() + ms);

  /** What to send, or why not. */
  async function prepare(delivery: Delivery, now: Date): Promise<OutgoingMail | { skip: string }> {
    const [subscriber, topics] = await Promise.all([
      deps.subscribers.get(delivery.subscriberId),
      // Only the topics the delivery names, by key: one batched read with the profile, not a query.
      delivery.kind === 'confirm'
        ? []
        : deps.subscribers.getTopics(delivery.subscriberId, topicIdsOf(delivery)),
    ]);
    let message: DeliveryEmail | undefined;
    if (delivery.kind === 'confirm') {
      // Whoever asked gets the link, a returning former subscriber too; activation waits for the click.
      if (!subscriber) return { skip: 'subscriber is gone' };
      if (delivery.linkExpiresAt * 1000 <= now.getTime()) return { skip: 'its link has expired' };
      message = emails.confirmation(delivery);
    } else {
      if (subscriber?.status !== 'active') return { skip: 'subscriber is not active' };
      if (subscriber.pausedUntil && subscriber.pausedUntil > now.toISOString()) {
        return { skip: `mail is paused until ${subscriber.pausedUntil}` };
      }
      message = await emails.listMail(delivery, subscriber, now, activeQueries(topics));
      if (!message) return { skip: 'its articles or topics are gone' };
    }
    // Checked for every message, confirmations too: whoever asks, a suppressed address is never mailed.
    if (await deps.suppressions.isSuppressed(subscriber.email)) {
      return { skip: 'the address is on the suppression list' };
    }
    const raw = await buildRawMessage({
      from: deps.mailFrom,
      to: subscriber.email,
      ...message.email,
      date: deps.clock.now(),
      ...(message.headers && { headers: message.headers }),
      ...(message.messageId && { messageId: message.messageId }),
    });
    return { from: deps.mailFrom, to: subscriber.email, raw };
  }

  /**
   * One token per try: a throttled retry must wait its turn like any other message. The first try's token
   * was asked for beside the claim (`firstToken`).
   */
  async function sendWithRetries(
    mail: OutgoingMail,
    delivery: Delivery,
    firstToken: Promise<void>,
  ): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      await (attempt === 0 ? firstToken : deps.throttle.take(priorityOf(delivery.kind)));
      try {
        return await deps.mailer.send(mail);
      } catch (error) {
        // SES reports the daily quota as Throttling too: both are SES telling the senders to slow down.
        if (error instanceof MailThrottledError || error instanceof DailyQuotaExceededError) {
          deps.metrics.count('SendThrottles');
        }
        if (!(error instanceof MailRetryableError) || attempt + 1 >= policy.sendTries) throw error;
        await sleep(backoffMs(attempt, policy.retryBaseMs, policy.retryMaxMs));
      }
    }
  }

  /** SES has the message: a lost write here must never turn into a second send. */
  async function recordSent(delivery: Delivery, messageId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await deps.deliveries.markSent(
          delivery.subscriberId,
          delivery.key,
          messageId,
          deps.clock.now(),
        );
      } catch (error) {
        if (attempt + 1 >= policy.recordTries) throw new UnrecordedSendError(messageId, error);
        await sleep(backoffMs(attempt, policy.retryBaseMs, policy.retryMaxMs));
      }
    }
  }

  return async function sendDelivery(delivery: Delivery): Promise<SendOutcome> {
    const { subscriberId, key } = delivery;
    const now = deps.clock.now();
    // The claim, the reads and rendering, and the first send-rate token go out together rather than one
    // after another: each is a round trip, and this chain is what bounds a batch's rate. Only the claim
    // writes; what the others did is dropped when it fails (a redelivered record) or the mail is skipped,
    // at the cost of a token then, which only leaves the second's cap less used.
    const preparing = settled(prepare(delivery, now));
    const firstToken = settled(deps.throttle.take(priorityOf(delivery.kind)));
    const attemptId = deps.ids.newId();
    const claim = await deps.deliveries.claim(subscriberId, key, {
      at: now,
      staleBefore: new Date(now.getTime() - deps.claimTimeoutMs),
      sweepAt: new Date(now.getTime() + deps.claimTimeoutMs),
      attemptId,
    });
    if (!claim) return 'already-taken';
    let messageId: string;
    try {
      const pausedUntil = await deps.pause.pausedUntil(now);
      if (pausedUntil) {
        // Spread over a minute, so the end of a pause is not one burst of the whole backlog.
        const resumeAt = new Date(pausedUntil.getTime() + Math.random() * 60_000);
        await deps.deliveries.release(subscriberId, key, 'sending is paused: daily quota used up', resumeAt);
        return 'deferred';
      }
      if (delivery.kind === 'digest') {
        const digestPause = await deps.digestPause.current(now);
        if (digestPause) {
          const recheckAt = later(policy.digestPauseRecheckMs * (0.5 + Math.random() / 2));
          const reason = `digests are paused since ${digestPause.pausedAt} by ${digestPause.pausedBy}`;
          await deps.deliveries.release(subscriberId, key, reason, recheckAt, { countAttempt: false });
          return 'deferred';
        }
      }
      const mail = await preparing;
      if ('skip' in mail) {
        await deps.deliveries.markSkipped(subscriberId, key, mail.skip, deps.clock.now());
        return 'skipped';
      }
      // The tags name this attempt, so SES's Send event can record the message if this worker cannot.
      const tags = deliveryTags({ subscriberId, key, attemptId });
      messageId = await sendWithRetries({ ...mail, ...(tags && { tags }) }, delivery, firstToken);
      deps.metrics.count(SENT_METRIC[delivery.kind]);
    } catch (error) {
      if (error instanceof MailRejectedError) {
        await deps.deliveries.markFailed(subscriberId, key, error.message, deps.clock.now());
        return 'failed';
      }
      if (error instanceof DailyQuotaExceededError) {
        const until = later(policy.quotaPauseMs);
        await deps.pause.pauseUntil(until, error.message);
        await deps.deliveries.release(subscriberId, key, error.message, until);
        return 'deferred';
      }
      if (claim.attempts >= policy.maxClaims) {
        const reason = `gave up after ${claim.attempts} attempts: ${messageOf(error)}`;
        await deps.deliveries.markFailed(subscriberId, key, reason, deps.clock.now());
        return 'failed';
      }
      const wait = policy.requeueBaseMs * 2 ** (claim.attempts - 1);
      const retryAt = later(Math.min(policy.requeueMaxMs, wait) * (0.5 + Math.random() / 2));
      await deps.deliveries.release(subscriberId, key, messageOf(error), retryAt);
      // SES pushing back is expected; anything else is a fault the stream should log as one.
      if (error instanceof MailRetryableError) return 'deferred';
      throw error;
    }
    await recordSent(delivery, messageId);
    return 'sent';
  };
}
