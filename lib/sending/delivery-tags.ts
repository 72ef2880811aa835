/**
 * The SES message tags that name the delivery and attempt a message was sent for. SES copies a message's
 * tags into every event it publishes about it, so the Send event can record the delivery as sent even when
 * the sender died before it could (see README, "Exactly once"). Tag values may hold only ASCII letters,
 * digits, `_` and `-`, at most 256 of them: ids are written base64url, which uses exactly those.
 */
export interface DeliveryAttempt {
  readonly subscriberId: string;
  /** The delivery's key in the subscriber's ledger (`ALERT#…`, `DIGEST#…`, `CONFIRM#…`). */
  readonly key: string;
  /** The claim's attempt id: only the attempt that sent the message may be recorded by its event. */
  readonly attemptId: string;
}

export const DELIVERY_TAGS = {
  subscriber: 'tidings-subscriber',
  delivery: 'tidings-delivery',
  attempt: 'tidings-attempt',
} as const;

const MAX_TAG_VALUE = 256;
const TAG_VALUE = /^[A-Za-z0-9_-]{1,256}$/;

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function decode(value: unknown): string | undefined {
  if (typeof value !== 'string' || !TAG_VALUE.test(value)) return undefined;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  // Base64url decoding ignores what it cannot read; a value that does not round-trip was not written here.
  return text.length > 0 && encode(text) === value ? text : undefined;
}

/**
 * The tags for one attempt, or none when an id is too long to fit a tag: such a message is still sent,
 * and only the sender's own record of it counts (as before Send events were read).
 */
export function deliveryTags(attempt: DeliveryAttempt): Record<string, string> | undefined {
  const tags = {
    [DELIVERY_TAGS.subscriber]: encode(attempt.subscriberId),
    [DELIVERY_TAGS.delivery]: encode(attempt.key),
    [DELIVERY_TAGS.attempt]: encode(attempt.attemptId),
  };
  return Object.values(tags).every((value) => value.length <= MAX_TAG_VALUE) ? tags : undefined;
}

/**
 * The attempt an SES event's `mail.tags` (`{ name: [value] }`) names, or undefined when it names none
 * (mail sent without the tags, or tags that are not ours).
 */
export function deliveryFromTags(tags: unknown): DeliveryAttempt | undefined {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return undefined;
  const first = (name: string) => {
    const values = (tags as Record<string, unknown>)[name];
    return decode(Array.isArray(values) ? values[0] : undefined);
  };
  const subscriberId = first(DELIVERY_TAGS.subscriber);
  const key = first(DELIVERY_TAGS.delivery);
  const attemptId = first(DELIVERY_TAGS.attempt);
  return subscriberId && key && attemptId ? { subscriberId, key, attemptId } : undefined;
}
