/**
 * What one digest lists, from the matches held for it: pure, so the rules (one line per story, oldest
 * first, never a story twice, a removed topic's stories gone, a bounded size) are tested without a table.
 */
import type { DigestEntry, MatchedTopic } from '../ports';
import type { DigestPeriod } from './model';

/** A digest lists at most this many stories; the rest wait, oldest first, for the next one. */
export const MAX_DIGEST_ITEMS = 50;
/**
 * Bounds that keep a digest delivery item far below DynamoDB's 400 KB whatever was held: an entry names
 * at most this many topics and matched words, each word this long, a topic's query (while held matches
 * still carry one) this long. 50 entries of 10 topics come to well under 100 KB.
 */
export const MAX_TOPICS_PER_ENTRY = 10;
export const MAX_TERMS_PER_ENTRY = 10;
export const MAX_TERM_LENGTH = 40;
export const MAX_QUERY_LENGTH = 80;

/** One held match as stored: the story, the topics it matched, for which digest and since when. */
export interface HeldMatch {
  /** The stored item's sort key: what the adapter deletes once the match is sent or dropped. */
  readonly ref: string;
  readonly period: DigestPeriod;
  readonly articleId: string;
  /** The story the article is a version of: what the digest lists once and what "already sent" means. */
  readonly storyId: string;
  readonly heldAt: string;
  readonly topics: readonly MatchedTopic[];
  /** It carries an expiry: held before held matches stopped expiring, or of a topic since removed. */
  readonly expires?: boolean;
}

/** A held match whose stored shape no digest can list. Named so a digest run can report whose it was. */
export class CorruptHeldMatchError extends Error {
  override name = 'CorruptHeldMatchError';

  constructor(
    readonly ref: string,
    reason: string,
  ) {
    super(`Held match ${ref} is unusable: ${reason}`);
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Reads a stored held match; throws `CorruptHeldMatchError` when it lacks what a digest needs. */
export function parseHeldMatch(item: Record<string, unknown>): HeldMatch {
  const ref = String(item.sk);
  const period = ref.split('#')[1];
  if (period !== 'daily' && period !== 'weekly') throw new CorruptHeldMatchError(ref, 'no digest period');
  if (!isString(item.articleId) || item.articleId === '')
    throw new CorruptHeldMatchError(ref, 'no article id');
  if (!Array.isArray(item.topics)) throw new CorruptHeldMatchError(ref, 'topics is not a list');
  const topics = item.topics.map((topic: unknown) => {
    const { topicId, terms, query } = (topic ?? {}) as Record<string, unknown>;
    if (!isString(topicId)) throw new CorruptHeldMatchError(ref, 'a topic without an id');
    return {
      topicId,
      terms: Array.isArray(terms) ? terms.filter(isString) : [],
      ...(isString(query) && { query }),
    } as unknown as MatchedTopic;
  });
  return {
    ref,
    period,
    articleId: item.articleId,
    storyId: isString(item.storyId) && item.storyId !== '' ? item.storyId : item.articleId,
    heldAt: isString(item.heldAt) ? item.heldAt : '',
    topics,
    ...(item.expiresAt !== undefined && { expires: true }),
  };
}

/** What queueing one digest does with the held matches. */
export interface DigestPlan {
  /** The digest's lines, oldest story first. */
  readonly entries: readonly DigestEntry[];
  /** Held matches the digest takes: deleted as it is queued. */
  readonly taken: readonly string[];
  /** Held matches no digest will list (already sent, or for no active topic): deleted too. */
  readonly dropped: readonly string[];
  /** Stories left for the next digest. */
  readonly remaining: number;
  /**
   * Held matches left for the next digest that still carry an expiry (held before held matches stopped
   * expiring): the adapter removes it, so TTL cannot drop a carried story.
   */
  readonly unexpire: readonly string[];
}

/** An entry's topics as the delivery stores them: ids, bounded matched words, a bounded query if any. */
function slimTopics(topics: readonly MatchedTopic[]): MatchedTopic[] {
  let words = MAX_TERMS_PER_ENTRY;
  return topics.slice(0, MAX_TOPICS_PER_ENTRY).map((topic) => {
    const terms = topic.terms.slice(0, Math.max(0, words)).map((term) => term.slice(0, MAX_TERM_LENGTH));
    words -= terms.length;
    const { query } = topic as { query?: unknown };
    return {
      topicId: topic.topicId,
      terms,
      ...(isString(query) && {
        query: query.length > MAX_QUERY_LENGTH ? `${query.slice(0, MAX_QUERY_LENGTH - 1)}…` : query,
      }),
    } as unknown as MatchedTopic;
  });
}

/**
 * 1. one line per story, however many periods and topics held it, with the topics still active
 * 2. leave out (and drop) stories already sent to the subscriber and stories of removed topics
 * 3. take the oldest first, up to `limit` stories and `maxDeletes` held items (a transaction's room)
 */
export function planDigest(
  held: readonly HeldMatch[],
  options: {
    readonly activeTopicIds: ReadonlySet<string>;
    readonly alreadySent: ReadonlySet<string>;
    readonly limit: number;
    readonly maxDeletes: number;
  },
): DigestPlan {
  type Story = {
    articleId: string;
    heldAt: string;
    refs: string[];
    expiring: string[];
    topics: Map<string, MatchedTopic>;
  };
  const stories = new Map<string, Story>();
  for (const match of held) {
    const story: Story = stories.get(match.storyId) ?? {
      articleId: match.articleId,
      heldAt: match.heldAt,
      refs: [],
      expiring: [],
      topics: new Map(),
    };
    story.refs.push(match.ref);
    if (match.expires) story.expiring.push(match.ref);
    // The version held first is the one listed: the subscriber heard of the story through it.
    if (match.heldAt < story.heldAt) {
      story.heldAt = match.heldAt;
      story.articleId = match.articleId;
    }
    for (const topic of match.topics) {
      if (!options.activeTopicIds.has(topic.topicId)) continue;
      const seen = story.topics.get(topic.topicId);
      story.topics.set(
        topic.topicId,
        seen ? { ...seen, terms: [...new Set([...seen.terms, ...topic.terms])] } : topic,
      );
    }
    stories.set(match.storyId, story);
  }
  const dropped: string[] = [];
  const candidates: {
    articleId: string;
    storyId: string;
    heldAt: string;
    refs: string[];
    expiring: string[];
    topics: MatchedTopic[];
  }[] = [];
  for (const [storyId, story] of stories) {
    if (story.topics.size === 0 || options.alreadySent.has(storyId)) dropped.push(...story.refs);
    else
      candidates.push({
        articleId: story.articleId,
        storyId,
        heldAt: story.heldAt,
        refs: story.refs,
        expiring: story.expiring,
        topics: [...story.topics.values()],
      });
  }
  candidates.sort((a, b) => a.heldAt.localeCompare(b.heldAt) || a.articleId.localeCompare(b.articleId));
  let room = options.maxDeletes;
  const entries: DigestEntry[] = [];
  const taken: string[] = [];
  for (const story of candidates) {
    if (entries.length >= options.limit || story.refs.length > room) break;
    entries.push({
      articleId: story.articleId,
      ...(story.storyId !== story.articleId && { storyId: story.storyId }),
      topics: slimTopics(story.topics),
    });
    taken.push(...story.refs);
    room -= story.refs.length;
  }
  return {
    entries,
    taken,
    dropped: dropped.slice(0, room),
    remaining: candidates.length - entries.length,
    unexpire: candidates.slice(entries.length).flatMap((story) => story.expiring),
  };
}
