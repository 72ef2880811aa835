import { MalformedMessageError } from '../errors';
import type { Delivery } from '../ports';

/** What each kind of delivery must carry to be rendered: a text field, or a list, by name. */
const needs: Record<string, readonly [string, 'text' | 'list' | 'number'][]> = {
  alert: [
    ['articleId', 'text'],
    ['topics', 'list'],
  ],
  digest: [
    ['period', 'text'],
    ['entries', 'list'],
  ],
  confirm: [
    ['requestId', 'text'],
    ['linkExpiresAt', 'number'],
  ],
};

const fits = (value: unknown, type: 'text' | 'list' | 'number') =>
  type === 'list'
    ? Array.isArray(value)
    : type === 'text'
      ? typeof value === 'string' && value !== ''
      : typeof value === 'number';

/**
 * A delivery from the stream's new image, or MalformedMessageError: an item no retry can make sendable
 * fails here, before any claim, on every attempt, so the stream gives up on it and it lands in the
 * dead-letter queue instead of holding up the records behind it.
 */
export function parseDelivery(image: Record<string, unknown>): Delivery {
  const fields = needs[String(image.kind)];
  const missing = [['subscriberId', 'text'], ['key', 'text'], ...(fields ?? [])].find(
    ([name, type]) => !fits(image[name as string], type as 'text'),
  );
  if (!fields || missing) {
    throw new MalformedMessageError(
      `Delivery ${String(image.subscriberId)}/${String(image.key)} (${String(image.kind)}) lacks ${missing?.[0] ?? 'a known kind'}.`,
    );
  }
  return image as unknown as Delivery;
}
