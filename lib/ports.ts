/**
 * The small interfaces the use cases need from the outside world. Adapters in `lib/adapters/` implement
 * them against DynamoDB and SES; nothing here knows about AWS.
 */
import type { Article } from './articles';
import type { Feed } from './feeds/feed';
import type { Recipient, TopicHit } from './matching/fan-out-plan';
import type { ListedArticle } from './matching/matchable-article';
import type { DeliveryAttempt } from './sending/delivery-tags';
import type {
  ConsentContext,
  ConsentEntry,
  DigestPeriod,
  DigestSettings,
  Subscriber,
  SubscriptionEnding,
  Topic,
  TopicChoice,
  Weekday,
} from './subscriptions/model';
import type { SuppressionReason } from './subscriptions/suppression';
import type { TopicAfterConfirming } from './subscriptions/topic-set';

export interface Clock {
  now(): Date;
}

export interface Ids {
  newId(): string;
}

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly raw: Buffer;
  /** SES message tags (names and values already in SES's alphabet): copied into every event about the message. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface Mailer {
  /** Returns the provider's message id. */
  send(mail: OutgoingMail): Promise<string>;
  checkReachable(): Promise<void>;
}

/** Which mail goes first when the send-rate cap is reached: confirmations, then alerts, then digests. */
export type SendPriority = 'confirm' | 'alert' | 'digest';

/** The global send-rate cap, shared by every concurrent sender. */
export interface SendThrottle {
  /** Resolves once one message of `priority` may be sent (waiting for the next token if need be). */
  take(priority: SendPriority): Promise<void>;
}

/**
 * What the use cases count and time, as CloudWatch metrics (namespace `Tidings`). The names are the metrics'
 * own, so a dashboard and this list cannot drift; units follow from the method (Count, Milliseconds).
 */
export type CountMetric =
  | 'AlertsSent'
  | 'DigestsSent'
  | 'ConfirmationsSent'
  | 'SendThrottles'
  | 'Bounces'
  | 'Complaints'
  | 'ArticlesIngested';
export type TimingMetric = 'MatchLatency';

/** Buffered until the invocation ends (`withMetrics`), so counting costs no I/O on the hot path. */
export interface Metrics {
  count(name: CountMetric, n?: number): void;
  timing(name: TimingMetric, ms: number): void;
}

/** The pause every sender honours once the provider's daily quota is used up. */
export interface SendPause {
  /** When sending may resume; undefined when not paused. */
  pausedUntil(now: Date): Promise<Date | undefined>;
  pauseUntil(until: Date, reason: string): Promise<void>;
}

/** Why digests are paused: who paused them (`alarm:<name>`, `operator:<user>`), why, and since when. */
export interface DigestPause {
  readonly pausedAt: string;
  readonly pausedBy: string;
  readonly reason: string;
}

/** The reputation guard's switch as digest runs and senders read it: paused, or not (undefined). */
export interface DigestPauseReader {
  current(now: Date): Promise<DigestPause | undefined>;
}

/** The guard's state as an operator sees it: the pause in force, and how the last one ended. */
export interface DigestGuardStatus {
  readonly pause?: DigestPause;
  readonly lastResumed?: { readonly at: string; readonly by: string; readonly pause: DigestPause };
}

/** What pauses and resumes digests: the reputation function and the operator's commands. */
export interface DigestPauseSwitch {
  /**
   * Pauses digests unless they already are (the first pause's who, why and when are kept). `notificationId`,
   * when given, is remembered, and a pause carrying one already seen changes nothing: a redelivered alarm
   * pauses once, also after an operator resumed meanwhile.
   */
  pause(pause: DigestPause, notificationId?: string): Promise<'paused' | 'already-paused' | 'duplicate'>;
  /** Ends the pause in force and returns it; undefined when digests were not paused. */
  resume(by: string, at: Date): Promise<DigestPause | undefined>;
  status(): Promise<DigestGuardStatus>;
}

/** How ingest writes articles (see `adapters/dynamo/article-writer.ts`). */
export interface ArticleWriter {
  /** The stored version of each of `ids` that is stored: its `updatedAt`, else its `publishedAt`. */
  storedVersions(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * Stores the article, its near-duplicate index entries and its story membership, unless its id exists;
   * with `expiresAt`, the table removes them all then.
   */
  putIfAbsent(article: Article, expiresAt?: Date): Promise<'stored' | 'duplicate'>;
  /**
   * Replaces the stored article's text by this version when it is newer (a later `updatedAt`), in place,
   * keeping its id, story and first publication, and counting the revision; 'duplicate' when it is not newer.
   */
  reviseIfNewer(article: Article, at: Date): Promise<'updated' | 'duplicate'>;
}

/** Finds which story, of those published near an article, it is a near-duplicate version of. */
export interface StoryFinder {
  findStory(article: Pick<Article, 'id' | 'signature' | 'publishedAt'>): Promise<string | undefined>;
}

/** One outlet's version of a story, as its list of outlets shows it. */
export type StoryOutlet = Pick<Article, 'id' | 'title' | 'publishedAt' | 'source' | 'url'>;

/** The outlets that reported a story, first first, at most `limit`. */
export interface StoryReader {
  outletsOf(storyId: string, limit: number): Promise<StoryOutlet[]>;
}

export interface ArticleStore {
  get(id: string): Promise<Article | undefined>;
  /**
   * Articles published from `since` on (read from `until`'s day back), newest first, at most `limit`: every
   * one of them, however many reads it takes, with only the fields matching and previews need.
   */
  listPublishedSince(since: Date, until: Date, limit: number): Promise<ListedArticle[]>;
  checkReachable(): Promise<void>;
}

/**
 * The articles of `ids` that exist, by id, read together: a digest's stories in one BatchGetItem. Apart
 * from ArticleStore so that only the sender, which needs it, bundles it.
 */
export interface ArticleBatchReader {
  getMany(ids: readonly string[]): Promise<ReadonlyMap<string, Article>>;
}

/** How a sender reads articles: one for an alert, many at once for a digest. */
export type ArticleReader = Pick<ArticleStore, 'get'> & ArticleBatchReader;

/** A story as the archive lists it: no body, so a day of long stories stays a small read. */
export type ArchiveEntry = Pick<Article, 'id' | 'title' | 'source' | 'publishedAt'> &
  Partial<Pick<Article, 'storyId'>>;

/** The stories published on one UTC day (`YYYY-MM-DD`), newest first, at most `limit`. */
export interface ArchiveReader {
  storiesOfDay(day: string, limit: number): Promise<ArchiveEntry[]>;
}

export interface ActiveTopic {
  readonly subscriberId: string;
  readonly topicId: string;
  readonly query: string;
  readonly frequency: Topic['frequency'];
}

export interface TopicChange {
  readonly change: 'activated' | 'retired';
  readonly topic: ActiveTopic;
  readonly at: string;
}

/** Every active topic as of `takenAt` (ISO time): what a cold matcher reads instead of the whole index. */
export interface TopicSnapshot {
  readonly takenAt: string;
  readonly topics: Iterable<ActiveTopic>;
}

export interface TopicSnapshotStore {
  /** The current snapshot at `at`, complete; undefined when there is none (expired, or a part gone). */
  read(at: Date): Promise<TopicSnapshot | undefined>;
  /** Stores `snapshot` and makes it the current one, unless one taken later already is. */
  write(snapshot: TopicSnapshot): Promise<void>;
}

/** The topics index, as matchers read it. */
export interface TopicIndexReader {
  listActiveTopics(): AsyncIterable<ActiveTopic>;
  /**
   * Topics activated or retired at or after `since` (ISO time), in no particular order. Every change is
   * found this way, so nothing else signals one (a shared counter would be a hot key in a signup burst).
   */
  topicChangesSince(since: string): AsyncIterable<TopicChange>;
}

export interface SubscriberStore {
  /** The subscriber holding the address at `at`; a pending subscription past its expiry holds nothing. */
  findByEmail(email: string, at: Date): Promise<Subscriber | undefined>;
  /** Creates the subscriber and its email claim; 'exists' when the address is already claimed. */
  create(subscriber: Subscriber): Promise<'created' | 'exists'>;
  addTopics(topics: readonly Topic[]): Promise<void>;
  /**
   * Takes the address's one confirmation email of the interval, by a conditional write on the profile:
   * false when one went out less than `intervalMs` before `at`, however many requests race for it.
   */
  claimConfirmationSlot(subscriberId: string, at: Date, intervalMs: number): Promise<boolean>;
  /** A new request keeps a still-pending subscriber (profile and address) as long as its own link works. */
  keepPending(subscriber: Subscriber, at: Date): Promise<void>;
  /**
   * Every change of state (requesting, confirming, unsubscribing…) writes its consent-ledger line in the
   * same transaction as the change itself, so the ledger cannot miss one or record one that did not happen.
   *
   * Keeps what one request chose (time zone, digest hour) until it is confirmed or its link expires. */
  recordRequest(
    subscriberId: string,
    requestId: string,
    settings: Required<DigestSettings>,
    at: Date,
    consent: ConsentContext,
  ): Promise<void>;
  get(subscriberId: string): Promise<Subscriber | undefined>;
  /** Every topic the subscriber has, in any state (pending, active, retired). */
  listTopics(subscriberId: string): Promise<Topic[]>;
  /** The subscriber's consent ledger, oldest first. */
  consentHistory(subscriberId: string): Promise<ConsentEntry[]>;
  /**
   * Activates the subscriber with the request's settings and its topics, one topic per query (a repeated
   * query is dropped, or replaces the active one when its frequency differs), never past `maxTopics`
   * in all (no limit when absent); returns how many topics became active.
   */
  confirm(
    subscriberId: string,
    requestId: string,
    at: Date,
    consent: ConsentContext,
    maxTopics?: number,
  ): Promise<number>;
  /**
   * Ends the subscription (unsubscribed unless `ending` says suppressed) and takes every topic out of
   * matching; true when this call changed the status. Idempotent and resumable: a retry after a failure
   * between chunks retires the topics left over and writes no second consent line.
   */
  unsubscribe(
    subscriberId: string,
    at: Date,
    consent: ConsentContext,
    ending?: SubscriptionEnding,
  ): Promise<boolean>;
  /**
   * A confirmed subscriber's own edit (preference centre, mute link): `add` become active at once, `retire`
   * (topic ids) leave matching; one consent line records it.
   */
  changeTopics(
    subscriberId: string,
    change: { readonly add: readonly Topic[]; readonly retire: readonly string[]; readonly detail: string },
    at: Date,
    consent: ConsentContext,
  ): Promise<void>;
  updateSettings(
    subscriberId: string,
    settings: Required<DigestSettings>,
    at: Date,
    consent: ConsentContext,
  ): Promise<void>;
  /** Holds every alert and digest until `until`; undefined resumes mail now. */
  pause(subscriberId: string, until: Date | undefined, at: Date, consent: ConsentContext): Promise<void>;
  /**
   * Deletes everything stored under the subscriber (profile, requests, consent lines, deliveries, held
   * matches) and their address claim. Topics are already retired (unsubscribe first); they stay as
   * anonymous markers, query gone, until their TTL, so warm matchers still learn of the retirement.
   * Resumable: the profile goes last, so a retry after a crash finds it and finishes.
   */
  erase(subscriberId: string, at: Date): Promise<void>;
  /** Bumps the link generation, so every link issued before stops working; returns the new generation. */
  revokeLinks(subscriberId: string, at: Date, consent: ConsentContext): Promise<number>;
}

/** A digest subscriber as the digest index lists them: the profile, and when their next digest is due. */
export interface ScheduledDigest {
  readonly subscriber: Subscriber;
  readonly due: Date;
}

/** The sender's read of a delivery's topics: the named ones, in any state, by key; an id with none is left out. */
export interface TopicsByKey {
  getTopics(subscriberId: string, topicIds: readonly string[]): Promise<Topic[]>;
}

/** A subscriber as an export lists them: the profile and its active topics. */
export interface ActiveSubscription {
  readonly subscriber: Subscriber;
  readonly topics: readonly ActiveTopic[];
}

/** Who holds an address, as a bulk import looks it up. */
export type AddressHolder =
  | { readonly kind: 'subscriber'; readonly subscriber: Subscriber }
  /**
   * A claim without its subscriber: one a consented import made and stopped before writing the rest
   * (`claimedAt` says when), or, without `claimedAt`, one whose profile is missing for no known reason.
   */
  | {
      readonly kind: 'unfinished-import';
      readonly subscriberId: string;
      readonly claimedAt: string | undefined;
    };

/** One address a consented import makes an active subscriber. */
export interface ActiveImport {
  /** Active, with its digest settings; `createdAt` is when its claim was made. */
  readonly subscriber: Subscriber;
  readonly topics: readonly TopicChoice[];
  /** The ledger line's detail: where the consent was recorded. */
  readonly detail: string;
  /** The claim is already this subscriber's: an earlier run made it and stopped before the rest. */
  readonly claimed: boolean;
}

/** What bulk imports and exports need beyond `SubscriberStore`, a hundred addresses at a time. */
export interface BulkSubscriberStore {
  /** Who holds each of these addresses at `at`; addresses nobody holds are absent. */
  findHolders(emails: readonly string[], at: Date): Promise<Map<string, AddressHolder>>;
  /**
   * Creates up to 100 active subscribers with active topics, as confirming leaves them, each with its
   * consent-ledger line; returns the addresses it created (one claimed by someone else meanwhile is left
   * out). The topics are filed in the match index at `at`, where warm matchers find them; `at` should be
   * now, since they look back only a minute past their last look.
   */
  createActive(imports: readonly ActiveImport[], at: Date, consent: ConsentContext): Promise<Set<string>>;
  /** Every active subscriber that has at least one active topic, with those topics, in no set order. */
  listActiveSubscriptions(): AsyncIterable<ActiveSubscription>;
}

export interface RateLimiter {
  /**
   * Counts one use of `subject` in the fixed window of `windowSeconds` that holds `at`: 0 when allowed,
   * else the seconds until the window ends. Counted by conditional writes, so concurrent requests cannot
   * all slip under the limit.
   */
  take(subject: string, limit: number, windowSeconds: number, at: Date): Promise<number>;
}

/** Whether an address may be mailed: all that sending and subscribing need of the suppression list. */
export interface SuppressionCheck {
  /** `email` is normalised; the list is keyed by its salted hash. */
  isSuppressed(email: string): Promise<boolean>;
}

export interface SuppressionEntry {
  readonly reason: SuppressionReason;
  /** In words: which bounce or complaint, about which message. */
  readonly detail: string;
  /** The SES message and feedback report the decision came from. */
  readonly messageId: string;
  readonly feedbackId: string;
}

/** What handling SES feedback needs: the check, adding an address, counting its transient bounces. */
export interface SuppressionList extends SuppressionCheck {
  /** Puts the address on the list once; false when it was there already (the first entry is kept). */
  suppress(email: string, entry: SuppressionEntry, at: Date): Promise<boolean>;
  /**
   * Records one transient bounce of the address, once per SES feedback id (a redelivered notification adds
   * nothing), and returns how many of its bounces fall within `windowMs` up to the bounce's time. Each
   * bounce is its own conditional put, so concurrent ones are neither lost nor counted twice.
   */
  countTransientBounce(
    email: string,
    bounce: { readonly feedbackId: string; readonly messageId: string; readonly at: Date },
    windowMs: number,
  ): Promise<number>;
}

/** Why a topic matched, as a delivery stores it: the topic's id and its words (see `matching/fan-out-plan.ts`). */
export type MatchedTopic = TopicHit;

/** One chunk of an article's fan-out: up to 500 recipients, written as one item and handled on its own. */
export interface FanOutChunk {
  readonly articleId: string;
  /**
   * The story the article tells (see `Article.storyId`): what the ledger keys alerts and held matches by, so
   * another outlet's version of a story already delivered queues nothing.
   */
  readonly storyId: string;
  readonly planId: string;
  readonly index: number;
  /** How many chunks the plan has, for the log. */
  readonly count: number;
  readonly recipients: readonly Recipient[];
}

export interface AlertDelivery {
  readonly kind: 'alert';
  readonly subscriberId: string;
  /** `ALERT#<story id>`: one alert per story and subscriber, whichever outlet's version came first. */
  readonly key: string;
  readonly articleId: string;
  /** Absent on alerts queued before stories were clustered: their story is their article. */
  readonly storyId?: string;
  readonly topics: readonly MatchedTopic[];
}

export interface DigestEntry {
  readonly articleId: string;
  /** The story it is a version of; absent when that is the article itself (and before stories existed). */
  readonly storyId?: string;
  readonly topics: readonly MatchedTopic[];
}

export interface DigestDelivery {
  readonly kind: 'digest';
  readonly subscriberId: string;
  readonly key: string;
  readonly period: DigestPeriod;
  readonly periodKey: string;
  readonly entries: readonly DigestEntry[];
  /** Stories held for the subscriber that did not fit (see `MAX_DIGEST_ITEMS`): they wait for the next one. */
  readonly remaining?: number;
}

/** One digest to queue: which held matches it collects and under which ledger key. */
export interface DigestRequest {
  readonly subscriberId: string;
  /** The ledger key: one per scheduled slot, or per forced run, so each happens once. */
  readonly key: string;
  /** What the email calls it: the longest period in it, and its day or ISO week. */
  readonly period: DigestPeriod;
  readonly periodKey: string;
  /** The periods whose held matches it collects: every digest due in this slot, merged into one email. */
  readonly periods: readonly DigestPeriod[];
  /** The subscriber's active topics: a match held for none of them is dropped, never sent. */
  readonly activeTopicIds: ReadonlySet<string>;
  readonly limit: number;
}

/** The double opt-in email of one subscription request, sent through the same ledger as every mail. */
export interface ConfirmationDelivery {
  readonly kind: 'confirm';
  readonly subscriberId: string;
  readonly key: string;
  readonly requestId: string;
  /** Every topic the subscriber will have once this request is confirmed, the new ones marked. */
  readonly topics: readonly TopicAfterConfirming[];
  /** When the link stops working (Unix seconds), fixed at request time however late the mail goes out. */
  readonly linkExpiresAt: number;
  /** What the reader chose with the request: the expiry and digest times are shown in their zone. */
  readonly timezone: string;
  readonly digestHour: number;
  readonly digestWeekday: Weekday;
}

export type Delivery = AlertDelivery | DigestDelivery | ConfirmationDelivery;

/** What sending and sweeping need of the ledger: claims, outcomes, retries and the sweep index. */
export interface SendLedger {
  /**
   * Moves a queued delivery to 'sending' under a new `attemptId`, recorded before anything is sent, and
   * returns how many claims it has had; undefined when another worker holds it. A 'sending' claim taken
   * before `staleBefore` belongs to a worker that died mid-send and may be taken over. The claim is on the sweep index, due at `sweepAt` (when it goes stale),
   * so a claim nobody finishes is found without a scan.
   */
  claim(
    subscriberId: string,
    key: string,
    claim: {
      readonly at: Date;
      readonly staleBefore: Date;
      readonly sweepAt: Date;
      readonly attemptId: string;
    },
  ): Promise<{ readonly attempts: number } | undefined>;
  /** Records the provider's message id; takes the delivery off the sweep index. */
  markSent(subscriberId: string, key: string, messageId: string, at: Date): Promise<void>;
  /**
   * Records what SES's Send event says it accepted, for the attempt that sent it: only while that attempt is
   * still the delivery's latest and it is not recorded as sent already, so a later attempt's claim is never
   * overwritten and a redelivered event changes nothing. A delivery the sweeper queued again meanwhile is
   * marked sent before any worker claims it, so the message is not sent twice. True when it wrote.
   */
  markAccepted(attempt: DeliveryAttempt, messageId: string, at: Date): Promise<boolean>;
  markSkipped(subscriberId: string, key: string, reason: string, at: Date): Promise<void>;
  /** The provider refused it for good (an invalid or rejected address): never retried. */
  markFailed(subscriberId: string, key: string, reason: string, at: Date): Promise<void>;
  /**
   * Puts a claimed delivery aside after a failure worth retrying: status 'retry', on the sweep index due at
   * `retryAt`, when the sweeper queues it again (a quiet wait, not a hot loop on the stream).
   * `countAttempt: false` takes back the claim's count: the claim only found sending held (digests paused,
   * perhaps for days), and must not use up the tries a real failure gets later.
   */
  release(
    subscriberId: string,
    key: string,
    error: string,
    retryAt: Date,
    options?: { readonly countAttempt?: boolean },
  ): Promise<void>;
  /** Up to `limit` deliveries of one sweep shard due before `before`, oldest first. */
  dueForSweep(shard: number, before: Date, limit: number): Promise<SweepEntry[]>;
  /**
   * Queues a due delivery again (the MODIFY to 'queued' is what the send trigger picks up), unless it moved
   * on since the sweeper read it; true when it was queued.
   */
  requeue(entry: SweepEntry, at: Date): Promise<boolean>;
}

export interface DeliveryStore extends SendLedger {
  /** Stores one fan-out chunk unless it exists; its INSERT on the stream is what the fan-out function takes. */
  queueFanOut(chunk: FanOutChunk, at: Date): Promise<void>;
  /** The ledger entry's conditional creation is what makes an alert happen once. */
  queueAlert(delivery: AlertDelivery, at: Date): Promise<boolean>;
  /** Queues a request's confirmation email once; false when that request's is already queued. */
  queueConfirmation(delivery: ConfirmationDelivery, at: Date): Promise<boolean>;
  /** Holds a digest match until the subscriber's next digest; idempotent per article and period. */
  holdForDigest(subscriberId: string, period: DigestPeriod, entry: DigestEntry, at: Date): Promise<void>;
  /** The subscriber's send log: every delivery with its status, times and provider message id. */
  history(subscriberId: string): Promise<DeliveryRecord[]>;
}

/** What the digest run needs beyond topics: the digest index, and turning held matches into digests. */
export interface DigestStore {
  /**
   * Digest subscribers whose next digest is due at or before `dueBy`, with when it was due; every digest
   * subscriber without `dueBy`. Reads only the ones due: the index is sorted by due instant.
   */
  listDue(dueBy?: Date): AsyncIterable<ScheduledDigest>;
  /**
   * Files the subscriber under their `next` digest (out of the index when undefined), unless their
   * preferences changed since the run read them due at `due`.
   */
  reschedule(subscriberId: string, due: Date, next: Date | undefined): Promise<void>;
  /**
   * Files subscribers still in the index's old form (by id, not due instant) under their next digest after
   * `at`; returns how many. A no-op once none are left.
   */
  refileLegacy(at: Date): Promise<number>;
  /**
   * Atomically moves the oldest `limit` stories held for `periods` into one queued digest delivery, leaving
   * out (and deleting) those the subscriber already got in an alert or an earlier digest and those of
   * inactive topics; undefined when nothing new is held or the key's digest already exists.
   */
  queueDigest(request: DigestRequest, at: Date): Promise<DigestDelivery | undefined>;
}

/** A delivery on the sweep index: a claim that may have gone stale, or one waiting for its retry. */
export interface SweepEntry {
  readonly subscriberId: string;
  readonly key: string;
  readonly status: 'sending' | 'retry';
  /** The index sort key it was read under: the requeue only applies if it is unchanged. */
  readonly sweepKey: string;
}

export type DeliveryStatus = 'queued' | 'sending' | 'retry' | 'sent' | 'skipped' | 'failed';

export interface DeliveryRecord {
  readonly key: string;
  readonly kind: Delivery['kind'];
  readonly status: DeliveryStatus;
  readonly createdAt: string;
  readonly attempts?: number;
  readonly sentAt?: string;
  readonly messageId?: string;
  readonly skippedAt?: string;
  readonly skipReason?: string;
  readonly lastError?: string;
  readonly failedAt?: string;
  readonly failReason?: string;
  /** What it was about: the alert's article, or the digest's articles. */
  readonly articleIds: readonly string[];
}

/** The validators a conditional GET sends back: `If-None-Match` and `If-Modified-Since`. */
export interface FeedValidators {
  readonly etag?: string;
  readonly lastModified?: string;
}

export type FeedResponse =
  | { readonly status: 'not-modified' }
  | { readonly status: 'ok'; readonly body: string; readonly etag?: string; readonly lastModified?: string };

/** Fetches a feed, conditionally; throws `FeedFetchError` for a failure that is the feed's (see errors). */
export interface FeedFetcher {
  fetch(url: string, validators: FeedValidators): Promise<FeedResponse>;
}

/** The page a feed item links to, as fetched: its bytes and the Content-Type it was sent with. */
export interface FetchedPage {
  readonly bytes: Uint8Array;
  readonly contentType?: string;
}

/** Fetches a linked page under the feed fetcher's rules; throws `PageFetchError` for a failure that is the page's. */
export interface PageFetcher {
  fetch(url: string): Promise<FetchedPage>;
}

/** Which articles are stored, and in which version: what the poller asks before fetching an item's page. */
export type StoredVersions = Pick<ArticleWriter, 'storedVersions'>;

/** Refuses (with `FeedUrlNotAllowedError`) a feed URL whose host is or resolves to a non-public address. */
export interface FeedUrlCheck {
  assertAllowed(url: string): Promise<void>;
}

/** How one poll of a feed went, as its record keeps it. */
export type FeedPollOutcome =
  | {
      readonly kind: 'success';
      readonly at: Date;
      /** Stories stored from this poll (0 for a 304). */
      readonly itemsStored: number;
      /** The new answer's validators (replacing the old ones); undefined after a 304, which keeps them. */
      readonly validators?: FeedValidators;
    }
  | {
      readonly kind: 'failure';
      readonly at: Date;
      readonly error: string;
      /** The count the poll read; the write applies only if it is unchanged (no other run counted since). */
      readonly previousFailures: number;
      /** Take the feed out of polling until it is resumed. */
      readonly pause: boolean;
    };

export interface FeedStore {
  /** Stores a new feed unless its id is taken; either way returns the stored record. */
  register(feed: Feed): Promise<{ readonly feed: Feed; readonly created: boolean }>;
  get(id: string): Promise<Feed | undefined>;
  /** Every feed, active and paused, oldest registration first. */
  list(): Promise<Feed[]>;
  /** The active feeds, least recently polled (never polled) first; read from the poll index, not a scan. */
  listActive(): Promise<Feed[]>;
  /** Records a poll of an active feed; false when the feed changed meanwhile and nothing was written. */
  recordPoll(id: string, outcome: FeedPollOutcome): Promise<boolean>;
  /** Makes the feed active with no failures counted, first in the next poll; undefined for an unknown id. */
  resume(id: string, at: Date): Promise<Feed | undefined>;
}
