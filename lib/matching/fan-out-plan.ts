import { createHash } from 'node:crypto';
import type { Frequency } from '../subscriptions/model';

/**
 * Why one topic matched, as deliveries and held matches store it: the topic's id and the words that made
 * it match, never a copy of the query (the query is read from the subscriber's topic when the mail is
 * written), so what one delivery holds is bounded by the topic cap, not by how long queries are.
 */
export interface TopicHit {
  readonly topicId: string;
  readonly terms: readonly string[];
}

/** One subscriber's share of an article: an instant alert, or a hold for their next daily or weekly digest. */
export interface Recipient {
  readonly subscriberId: string;
  readonly kind: 'alert' | 'daily' | 'weekly';
  readonly topics: readonly TopicHit[];
}

/** Words kept per matched topic; a reader needs a few to see why, not every form a wildcard reached. */
export const MAX_TERMS_PER_TOPIC = 12;
export const MAX_TERM_CHARS = 64;

/** A fan-out chunk holds at most this many recipients… */
export const CHUNK_RECIPIENTS = 500;
/** …and at most this many bytes of them, well under DynamoDB's 400 KB item limit. */
export const CHUNK_BYTES = 200_000;

interface MatchedTopicOf {
  readonly subscriberId: string;
  readonly topicId: string;
  readonly frequency: Frequency;
  readonly terms: readonly string[];
}

const RANK: Record<Frequency, number> = { instant: 0, daily: 1, weekly: 2 };

const trimTerms = (terms: readonly string[]) =>
  [...new Set(terms.map((term) => term.slice(0, MAX_TERM_CHARS)))].slice(0, MAX_TERMS_PER_TOPIC);

/**
 * One recipient per subscriber. The story goes out once, by the subscriber's quickest topic: an instant
 * topic's alert, else the daily digest, else the weekly; the topics of that frequency say why. A subscriber
 * who gets it as an alert never sees it again in a digest, and daily and weekly digests never both list it.
 * Sorted by subscriber, so the same matches always plan the same chunks.
 */
export function planRecipients(matches: Iterable<MatchedTopicOf>): Recipient[] {
  const bySubscriber = new Map<string, { frequency: Frequency; topics: TopicHit[] }>();
  for (const match of matches) {
    const hit = { topicId: match.topicId, terms: trimTerms(match.terms) };
    const entry = bySubscriber.get(match.subscriberId);
    if (!entry || RANK[match.frequency] < RANK[entry.frequency]) {
      bySubscriber.set(match.subscriberId, { frequency: match.frequency, topics: [hit] });
    } else if (entry.frequency === match.frequency) entry.topics.push(hit);
  }
  return [...bySubscriber]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([subscriberId, { frequency, topics }]) => ({
      subscriberId,
      kind: frequency === 'instant' ? 'alert' : frequency,
      topics: topics.sort((a, b) => (a.topicId < b.topicId ? -1 : 1)),
    }));
}

const sizeOf = (recipient: Recipient) => Buffer.byteLength(JSON.stringify(recipient));

/** Consecutive runs of recipients, each within both chunk limits. */
export function chunkRecipients(
  recipients: readonly Recipient[],
  limits = { recipients: CHUNK_RECIPIENTS, bytes: CHUNK_BYTES },
): Recipient[][] {
  const chunks: Recipient[][] = [];
  let current: Recipient[] = [];
  let bytes = 0;
  for (const recipient of recipients) {
    const size = sizeOf(recipient);
    if (current.length > 0 && (current.length >= limits.recipients || bytes + size > limits.bytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(recipient);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Names one fan-out plan by its content: replaying the same match writes the same chunk keys (conditional
 * puts that change nothing); a retry that matched differently (topics changed in between) writes a plan of
 * its own, and the delivery ledger keeps anyone in both from getting the story twice.
 */
export function planId(recipients: readonly Recipient[]): string {
  const hash = createHash('sha256');
  for (const recipient of recipients) hash.update(JSON.stringify(recipient));
  return hash.digest('base64url').slice(0, 16);
}
