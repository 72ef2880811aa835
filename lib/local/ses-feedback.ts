import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';

/**
 * The part of SES that `aws-ses-v2-local` lacks: its mailbox simulator. Mail accepted for one of the
 * simulator's addresses comes back, as it does from SES, as the event a configuration set's SNS destination
 * publishes (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html), so
 * `npm start` and the tests exercise the same feedback handler with the same shape as AWS. The loop watches
 * the emulator's store (what SES accepted) rather than hooking the mailer: the functions' code has no local
 * path of its own, and whatever sends mail, the simulator answers.
 */
export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

export type SimulatorOutcome = 'bounce' | 'complaint' | 'suppressionlist';
const OUTCOMES: readonly SimulatorOutcome[] = ['bounce', 'complaint', 'suppressionlist'];

/** What SES's mailbox simulator does with mail to `address`; labels (`bounce+anything@…`) included. */
export function simulatorOutcome(address: string): SimulatorOutcome | undefined {
  const bare = (/<([^<>]+)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();
  const at = bare.lastIndexOf('@');
  if (at < 1 || bare.slice(at + 1) !== SIMULATOR_DOMAIN) return undefined;
  const local = bare.slice(0, at).split('+')[0] as SimulatorOutcome;
  return OUTCOMES.includes(local) ? local : undefined;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/** One message as SES accepted it. */
export interface AcceptedMail {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly sentAt: Date;
  /** The message's tags as SES events carry them (`ses:configuration-set` among them). */
  readonly tags?: Readonly<Record<string, readonly string[]>>;
}

/** The `mail` object of every SES event about `mail`. */
function mailRecord(mail: AcceptedMail) {
  const fromDomain = (/@([^@>\s]+)>?\s*$/.exec(mail.from)?.[1] ?? 'localhost').toLowerCase();
  return {
    timestamp: mail.sentAt.toISOString(),
    source: mail.from,
    sourceArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${fromDomain}`,
    sendingAccountId: ACCOUNT,
    messageId: mail.messageId,
    destination: [...mail.to],
    headersTruncated: false,
    ...(mail.tags && { tags: mail.tags }),
  };
}

/** The Send event SES publishes once it accepted `mail` for a configuration set that asks for it. */
export function sendEvent(mail: AcceptedMail): Record<string, unknown> {
  return { eventType: 'Send', mail: mailRecord(mail), send: {} };
}

/** The SES event the simulator's answer to `mail` for `recipient` produces. */
export function simulatedFeedback(
  outcome: SimulatorOutcome,
  recipient: string,
  mail: AcceptedMail,
  at: Date,
): Record<string, unknown> {
  const common = { mail: mailRecord(mail) };
  const feedbackId = `local-${randomUUID()}`;
  if (outcome === 'complaint') {
    return {
      eventType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: recipient }],
        timestamp: at.toISOString(),
        feedbackId,
        userAgent: 'Amazon SES Mailbox Simulator',
        complaintFeedbackType: 'abuse',
        arrivalDate: at.toISOString(),
      },
      ...common,
    };
  }
  const onList = outcome === 'suppressionlist';
  return {
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: onList ? 'OnAccountSuppressionList' : 'General',
      bouncedRecipients: [
        {
          emailAddress: recipient,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: onList
            ? 'Amazon SES did not send the message to this address because it is on the suppression list for your account.'
            : 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: at.toISOString(),
      feedbackId,
      ...(!onList && { reportingMTA: `dsn; ${SIMULATOR_DOMAIN}` }),
    },
    ...common,
  };
}

export const localTopicArn = (topic: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:tidings-${topic}`;

/** The event Lambda receives from an SNS subscription, carrying `message`. */
export function snsEvent(topicArn: string, message: string, at: Date): SNSEvent {
  const messageId = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Message: message,
          Timestamp: at.toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'http://localhost/none.pem',
          UnsubscribeUrl: `http://localhost/unsubscribe?SubscriptionArn=${topicArn}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}

interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  /** Seconds since the epoch. */
  readonly at: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SesFeedbackLoopOptions {
  readonly sesEndpoint: string;
  /** Hands one SES event (as SNS message text) to the topic's subscribers; resolves once they are done. */
  readonly publish: (message: string) => Promise<void>;
  readonly log: (line: string) => void;
  readonly pollMs?: number;
}

/**
 * Watches the local SES endpoint's store and publishes the simulator's answer to every message accepted for
 * a simulator address, in the order they were accepted. Mail already in the store when it starts (another
 * stack's, in the same process) is not answered.
 */
export function startSesFeedbackLoop(options: SesFeedbackLoopOptions) {
  const pollMs = options.pollMs ?? 100;
  const seen = new Map<string, number>();
  let since = 0;
  let running = true;
  let held = false;
  let idle = false;
  let loop: Promise<void> | undefined;

  async function fetchSince(): Promise<StoredEmail[]> {
    const response = await fetch(new URL(`/store?since=${since}`, options.sesEndpoint));
    if (!response.ok) throw new Error(`the local SES store answered ${response.status}`);
    const { emails } = (await response.json()) as { emails?: StoredEmail[] };
    return (emails ?? []).filter(
      (email) => typeof email?.messageId === 'string' && !seen.has(email.messageId),
    );
  }

  function remember(emails: readonly StoredEmail[]) {
    for (const email of emails) {
      seen.set(email.messageId, email.at);
      since = Math.max(since, email.at);
    }
    // Mail older than the window asked for cannot come back, so its ids need not be kept.
    for (const [id, at] of seen) if (at < since) seen.delete(id);
  }

  async function pollOnce(): Promise<boolean> {
    const fresh = await fetchSince();
    remember(fresh);
    for (const email of fresh) {
      const mail: AcceptedMail = {
        messageId: email.messageId,
        from: email.from,
        to: email.destination?.to ?? [],
        sentAt: new Date(email.at * 1000),
      };
      for (const recipient of mail.to) {
        const outcome = simulatorOutcome(recipient);
        if (!outcome) continue;
        const address = (/<([^<>]+)>\s*$/.exec(recipient)?.[1] ?? recipient).trim();
        await options.publish(JSON.stringify(simulatedFeedback(outcome, address, mail, new Date())));
      }
    }
    return fresh.length > 0;
  }

  return {
    async start() {
      since = Math.floor(Date.now() / 1000) - 1;
      remember(await fetchSince());
      loop = (async () => {
        while (running) {
          if (held) {
            idle = true;
            await sleep(pollMs);
            continue;
          }
          try {
            const busy = await pollOnce();
            idle = !busy && !held;
            if (!busy) await sleep(pollMs);
          } catch (error) {
            idle = false;
            if (!running) break;
            options.log(
              `[ses-simulator] reading the local SES store failed; retrying: ${(error as Error).message}`,
            );
            await sleep(1000);
          }
        }
      })();
    },
    /** True once a pass found nothing new to answer, or while answers are held back. */
    get idle() {
      return idle;
    },
    /** Holds the simulator's answers back (SES's feedback can take minutes); they are not lost. */
    hold() {
      held = true;
    },
    /** Sends the answers held back, in order, and those of mail accepted from now on. */
    release() {
      held = false;
      idle = false;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

export type SesFeedbackLoop = ReturnType<typeof startSesFeedbackLoop>;
