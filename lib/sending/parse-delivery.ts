import { MalformedMessageError } from '../errors';
import type { Delivery } from '../ports';

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * A delivery from the stream's new image, or MalformedMessageError: an item no retry can make sendable
 * fails here, before any claim, on every attempt, so the stream gives up on it and it lands in the
 * dead-letter queue instead of holding up the records behind it.
 */
export function parseDelivery(image: Record<string, unknown>): Delivery {
  const { kind, subscriberId, key } = image;
  const fail = (what: string): never => {
    throw new MalformedMessageError(`Delivery ${String(subscriberId)}/${String(key)} ${what}.`);
  };
  if (!isText(subscriberId) || !isText(key)) fail('has no subscriber id or key');
  if (kind === 'alert') {
    if (!isText(image.articleId) || !Array.isArray(image.topics))
      fail('is an alert without article or topics');
  } else if (kind === 'digest') {
    if (!Array.isArray(image.entries) || !isText(image.period)) fail('is a digest without entries or period');
  } else if (kind === 'confirm') {
    if (!isText(image.requestId) || typeof image.linkExpiresAt !== 'number') {
      fail('is a confirmation without request or link expiry');
    }
  } else {
    fail(`has an unknown kind ${JSON.stringify(kind)}`);
  }
  return image as unknown as Delivery;
}
