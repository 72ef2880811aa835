import { MalformedMessageError, ValidationError } from '../errors';
import { type DeliveryAttempt, deliveryFromTags } from '../sending/delivery-tags';
import { normaliseEmail } from './email-address';

/**
 * SES bounce and complaint notifications as a configuration set's event destination publishes them to SNS
 * (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html), read into what
 * Tidings acts on. Only the fields used are read; SES may add others at any time.
 */
export const BOUNCE_TYPES = ['Permanent', 'Transient', 'Undetermined'] as const;
export type BounceType = (typeof BOUNCE_TYPES)[number];

interface FeedbackReport {
  /** The SES message the report is about. */
  readonly messageId: string;
  /** SES's id of this report: the same report delivered twice has the same one. */
  readonly feedbackId: string;
  /** When the bounce or complaint happened (never later than when it was read). */
  readonly at: Date;
  /** Normalised addresses the report names. */
  readonly recipients: readonly string[];
}

export interface BounceFeedback extends FeedbackReport {
  readonly kind: 'bounce';
  readonly bounceType: BounceType;
  readonly bounceSubType: string;
}

export interface ComplaintFeedback extends FeedbackReport {
  readonly kind: 'complaint';
  /** The Feedback-Type of the ISP's report (`abuse`, `fraud`…), when it gave one. */
  readonly complaintFeedbackType?: string;
}

/** SES accepted a message: what the sender records itself, unless it died first. */
export interface SendFeedback {
  readonly kind: 'send';
  readonly messageId: string;
  /** The attempt the message's tags name; undefined for mail sent without them. */
  readonly delivery?: DeliveryAttempt;
  readonly at: Date;
}

/** An event Tidings takes no action on (a delivery, a subscription test message…). */
export interface OtherFeedback {
  readonly kind: 'other';
  readonly eventType: string;
}

export type MailFeedback = BounceFeedback | ComplaintFeedback | SendFeedback | OtherFeedback;

/** SNS refuses messages over 256 KB; anything longer did not come from it. */
const MAX_MESSAGE_CHARS = 256 * 1024;
/** SES sends a message to at most 50 recipients, so no report names more. */
const MAX_RECIPIENTS = 50;
/** Ids become parts of table keys and log lines: printable ASCII, no spaces, bounded. */
const ID = /^[\x21-\x7e]{1,256}$/;
const LABEL = /^[\x20-\x7e]{1,100}$/;

const malformed = (reason: string) =>
  new MalformedMessageError(`Not an SES feedback notification: ${reason}`);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function objectAt(parent: Json, field: string): Json {
  const value = parent[field];
  if (!isObject(value)) throw malformed(`"${field}" is missing or not an object.`);
  return value;
}

function idAt(parent: Json, field: string, where: string): string {
  const value = parent[field];
  if (typeof value !== 'string' || !ID.test(value)) {
    throw malformed(`${where}.${field} is missing or not an id.`);
  }
  return value;
}

function labelAt(parent: Json, field: string): string | undefined {
  const value = parent[field];
  return typeof value === 'string' && LABEL.test(value) ? value : undefined;
}

/** The report's own time, or `receivedAt` when it has none, an unreadable one or one in the future. */
function timeAt(parent: Json, receivedAt: Date): Date {
  const value = parent.timestamp;
  const at = typeof value === 'string' ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) && at <= receivedAt ? at : receivedAt;
}

/**
 * The addresses of a recipients list, normalised as Tidings stores them. An entry that is no address (SES
 * never sends one) is left out rather than failing the others; a list with none left is malformed.
 */
function recipientsAt(parent: Json, field: string): string[] {
  const list = parent[field];
  if (!Array.isArray(list) || list.length === 0) throw malformed(`"${field}" is missing or empty.`);
  if (list.length > MAX_RECIPIENTS) throw malformed(`"${field}" names more than ${MAX_RECIPIENTS}.`);
  const addresses = new Set<string>();
  for (const entry of list) {
    const raw = isObject(entry) ? entry.emailAddress : undefined;
    if (typeof raw !== 'string') continue;
    // Recipients come bare; a display name (`Ann <ann@example.com>`) is tolerated.
    const address = /<([^<>]+)>\s*$/.exec(raw)?.[1] ?? raw;
    try {
      addresses.add(normaliseEmail(address));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  if (addresses.size === 0) throw malformed(`"${field}" holds no readable address.`);
  return [...addresses];
}

/**
 * Reads one SNS message body. Throws MalformedMessageError for anything that is not a well-formed SES event
 * (the caller logs and skips it); events other than sends, bounces and complaints come back as `other`.
 */
export function parseSesFeedback(message: unknown, receivedAt: Date): MailFeedback {
  if (typeof message !== 'string') throw malformed('the message is not text.');
  if (message.length > MAX_MESSAGE_CHARS) throw malformed('the message is longer than SNS allows.');
  let event: unknown;
  try {
    event = JSON.parse(message);
  } catch {
    throw malformed('the message is not JSON.');
  }
  if (!isObject(event)) throw malformed('the message is not a JSON object.');
  // `notificationType` is the same field in notifications set up on the identity instead.
  const eventType = event.eventType ?? event.notificationType;
  if (typeof eventType !== 'string') throw malformed('it has no eventType.');
  if (eventType !== 'Bounce' && eventType !== 'Complaint' && eventType !== 'Send') {
    return { kind: 'other', eventType: LABEL.test(eventType) ? eventType : '(unreadable)' };
  }
  const mail = objectAt(event, 'mail');
  const messageId = idAt(mail, 'messageId', 'mail');
  if (eventType === 'Send') {
    const delivery = deliveryFromTags(mail.tags);
    return { kind: 'send', messageId, ...(delivery && { delivery }), at: timeAt(mail, receivedAt) };
  }
  if (eventType === 'Bounce') {
    const bounce = objectAt(event, 'bounce');
    const bounceType = bounce.bounceType;
    if (!(BOUNCE_TYPES as readonly unknown[]).includes(bounceType)) {
      // An unknown kind of bounce must not suppress anyone on a guess.
      throw malformed(`bounce.bounceType is not one of ${BOUNCE_TYPES.join(', ')}.`);
    }
    return {
      kind: 'bounce',
      bounceType: bounceType as BounceType,
      bounceSubType: labelAt(bounce, 'bounceSubType') ?? 'Undetermined',
      messageId,
      feedbackId: idAt(bounce, 'feedbackId', 'bounce'),
      at: timeAt(bounce, receivedAt),
      recipients: recipientsAt(bounce, 'bouncedRecipients'),
    };
  }
  const complaint = objectAt(event, 'complaint');
  const complaintFeedbackType = labelAt(complaint, 'complaintFeedbackType');
  return {
    kind: 'complaint',
    ...(complaintFeedbackType !== undefined && { complaintFeedbackType }),
    messageId,
    feedbackId: idAt(complaint, 'feedbackId', 'complaint'),
    at: timeAt(complaint, receivedAt),
    recipients: recipientsAt(complaint, 'complainedRecipients'),
  };
}
