/**
 * The one declaration of Tidings' functions and what triggers them. The CDK stack turns it into Lambda
 * functions, routes, event-source mappings, schedules and topic subscriptions; the local runner (`npm start`)
 * serves the same routes, polls DynamoDB Local's stream with the same filters, fires the same schedules and
 * delivers the same topics' messages. Neither keeps a list of its own, so the two cannot drift.
 */

import type { IndexFamily, ItemFamily } from './table';

export type HttpMethod = 'GET' | 'POST';

export interface HttpTrigger {
  readonly kind: 'http';
  readonly method: HttpMethod;
  readonly path: string;
}

/**
 * A stream trigger receives the table's INSERT/MODIFY records whose new image has one of `entities`
 * (the item's `entity` attribute) and, when given, one of `statuses`.
 */
export interface StreamTrigger {
  readonly kind: 'stream';
  readonly eventNames: readonly ('INSERT' | 'MODIFY')[];
  readonly entities: readonly string[];
  readonly statuses?: readonly string[];
  readonly batchSize: number;
  /**
   * How many batches of one stream shard may be handled at once (Lambda's parallelisation factor, 1–10;
   * 1 when absent). Records of one partition key stay in order either way.
   */
  readonly parallelization?: number;
}

export interface ScheduleTrigger {
  readonly kind: 'schedule';
  readonly everyMinutes: number;
}

/**
 * Every HTTP request no route matches (API Gateway's `$default` route, the local server's no-match case):
 * the function answers 404, or 405 with `Allow`, from this manifest's routes (see `lib/http/routes.ts`).
 * Exactly one function has it, and it may not write: any method on any path reaches it.
 */
export interface FallbackTrigger {
  readonly kind: 'fallback';
}

/**
 * The SNS topics functions can subscribe to. `mailFeedback` receives SES's bounce and complaint events (the
 * configuration set's event destination on AWS, the local SES simulator addresses under `npm start`);
 * `reputationAlarms` the state changes of the CloudWatch alarms on SES's bounce and complaint rates.
 */
export type TopicName = 'mailFeedback' | 'reputationAlarms';

/**
 * An SNS trigger: the function receives each message published to `topic`. SNS invokes Lambda
 * asynchronously, so a failed event is retried `retryAttempts` times (at most 2) and then kept in a failure
 * queue; the local runner retries the same number of times.
 */
export interface SnsTrigger {
  readonly kind: 'sns';
  readonly topic: TopicName;
  readonly retryAttempts: 0 | 1 | 2;
}

export type Trigger = HttpTrigger | StreamTrigger | ScheduleTrigger | FallbackTrigger | SnsTrigger;

/**
 * What a function may do with the table, by action class and item family (see `lib/table.ts`). The stack
 * turns it into IAM statements and the function's table client refuses any request outside it, so an
 * undeclared access fails in the local tests instead of as AccessDenied after a deploy.
 */
export interface TableAccess {
  /** GetItem, BatchGetItem and Query on these families' partitions. */
  readonly read?: readonly ItemFamily[];
  /** Conditional PutItem: creates an item unless it exists (Tidings never overwrites blindly). */
  readonly create?: readonly ItemFamily[];
  readonly update?: readonly ItemFamily[];
  readonly delete?: readonly ItemFamily[];
  /**
   * BatchWriteItem puts, which take no condition: only for items under keys the writer has just made its
   * own (a new subscriber's partition, whose claim it won by a conditional write), where there is nothing
   * to overwrite. No function declares it; the bulk import does (`lib/compose/cli.ts`).
   */
  readonly batchCreate?: readonly ItemFamily[];
  /**
   * Groups its creates, updates and deletes in TransactWriteItems. IAM has no action of its own for that
   * (each item needs its own action's permission); the table client checks it so atomicity is a choice.
   */
  readonly transact?: boolean;
  /**
   * Query on these partitions of the indexes. IAM grants only the indexes these families live in, each as a
   * whole; the table client narrows it to the partitions.
   */
  readonly index?: readonly IndexFamily[];
  /** DescribeTable: the health probe. */
  readonly describe?: boolean;
}

export type SecretName = 'ingestKey' | 'tokenSecret' | 'suppressionSalt';

export interface FunctionDeclaration {
  /** Path of the handler module from the project root; it exports `handler`. */
  readonly entry: string;
  readonly triggers: readonly Trigger[];
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Which secrets the function reads; the stack grants exactly these. */
  readonly secrets: readonly SecretName[];
  /** 'send': sends through SES; 'probe': only reads the send quota (health); 'none': no mail access. */
  readonly mail: 'send' | 'probe' | 'none';
  readonly table: TableAccess;
  /** Detects the language of article text, so its bundle may carry the language models (franc). */
  readonly detectsLanguage?: boolean;
  /**
   * Package imports (package.json `imports`) built into files of their own beside the bundle, so their code
   * is read only when the function first imports them, never at a cold start that does not need them.
   */
  readonly lazyModules?: readonly LazyModule[];
}

/**
 * `#html-dom`: the HTML parser and Readability, for web pages posted to ingest and pages feed items link to;
 * `#linked-page`: the poller's reading of those linked pages (decoding and the page reader, over `#html-dom`).
 */
export type LazyModule = '#html-dom' | '#linked-page';

export const functions = {
  ingest: {
    entry: 'functions/ingest.ts',
    triggers: [{ kind: 'http', method: 'POST', path: '/articles' }],
    // API Gateway's own limit is 30 s. A request of 100 new stories makes 100 lookups of 16 band queries and
    // 100 transactions: well under a second on DynamoDB, several seconds on DynamoDB Local.
    timeoutSeconds: 29,
    memoryMb: 512,
    secrets: ['ingestKey'],
    mail: 'none',
    // Each article is written with its story's band entries and outlet line in one transaction; the band
    // entries of stories published near it are what it reads to find its story, and a newer version of a
    // stored article updates it (and its outlet line) in place.
    table: {
      read: ['article', 'story'],
      create: ['article', 'story'],
      update: ['article', 'story'],
      transact: true,
    },
    detectsLanguage: true,
    lazyModules: ['#html-dom'],
  },
  feeds: {
    entry: 'functions/feeds.ts',
    triggers: [
      { kind: 'http', method: 'POST', path: '/feeds' },
      { kind: 'http', method: 'GET', path: '/feeds' },
      { kind: 'http', method: 'POST', path: '/feeds/{id}/resume' },
    ],
    timeoutSeconds: 10,
    memoryMb: 256,
    secrets: ['ingestKey'],
    mail: 'none',
    table: { read: ['feed'], create: ['feed'], update: ['feed'] },
  },
  poll: {
    entry: 'functions/poll.ts',
    triggers: [{ kind: 'schedule', everyMinutes: 15 }],
    // Under the 15 minutes between runs, so two never overlap. 1,000 feeds that each take the whole 10 s
    // fetch timeout need 400 s at 25 at a time; past that the run stops starting feeds and the next one
    // begins with those it left (the least recently polled).
    timeoutSeconds: 840,
    // 25 feeds of up to 1 MiB read and parsed at once, and a full vCPU's share for the parsing.
    memoryMb: 1024,
    secrets: [],
    mail: 'none',
    // Stores articles as ingest does; reads the active feeds from the poll index and records each poll.
    // Its items are stored as ingest stores them: with their story, or as an update in place.
    table: {
      read: ['article', 'story'],
      create: ['article', 'story'],
      update: ['article', 'story', 'feed'],
      transact: true,
      index: ['activeFeeds'],
    },
    detectsLanguage: true,
    // The pages teaser items link to are read as posted pages are: the reader and the DOM load with the first.
    lazyModules: ['#html-dom', '#linked-page'],
  },
  pages: {
    entry: 'functions/pages.ts',
    triggers: [
      { kind: 'http', method: 'GET', path: '/' },
      { kind: 'http', method: 'GET', path: '/check-inbox' },
      { kind: 'http', method: 'GET', path: '/confirm' },
      { kind: 'http', method: 'GET', path: '/confirmed' },
      { kind: 'http', method: 'GET', path: '/unsubscribe' },
      { kind: 'http', method: 'GET', path: '/unsubscribed' },
      { kind: 'http', method: 'GET', path: '/articles/{id}' },
      { kind: 'http', method: 'GET', path: '/archive' },
      { kind: 'http', method: 'GET', path: '/preview' },
      { kind: 'http', method: 'GET', path: '/favicon.ico' },
      { kind: 'fallback' },
    ],
    timeoutSeconds: 5,
    memoryMb: 256,
    secrets: ['tokenSecret'],
    mail: 'none',
    // Subscribers: the pages the confirm and unsubscribe posts redirect to show the reader's topics.
    // Stories: the outlets an article page names.
    table: { read: ['article', 'subscriber', 'story'], index: ['articlesByDay'] },
  },
  subscriptions: {
    entry: 'functions/subscriptions.ts',
    triggers: [
      { kind: 'http', method: 'POST', path: '/subscriptions' },
      { kind: 'http', method: 'POST', path: '/confirm' },
      { kind: 'http', method: 'POST', path: '/unsubscribe' },
    ],
    timeoutSeconds: 10,
    memoryMb: 512,
    secrets: ['tokenSecret', 'suppressionSalt'],
    mail: 'none',
    table: {
      read: ['email', 'subscriber', 'suppression'],
      create: ['email', 'subscriber'],
      update: ['email', 'subscriber', 'rate'],
      transact: true,
    },
  },
  preferences: {
    entry: 'functions/preferences.ts',
    triggers: [
      { kind: 'http', method: 'GET', path: '/preferences' },
      { kind: 'http', method: 'POST', path: '/preferences' },
      { kind: 'http', method: 'GET', path: '/mute' },
      { kind: 'http', method: 'POST', path: '/mute' },
    ],
    timeoutSeconds: 10,
    memoryMb: 512,
    secrets: ['tokenSecret'],
    mail: 'none',
    table: {
      read: ['subscriber', 'article'],
      create: ['subscriber'],
      update: ['subscriber'],
      transact: true,
      index: ['articlesByDay'],
    },
  },
  privacy: {
    entry: 'functions/privacy.ts',
    triggers: [
      { kind: 'http', method: 'GET', path: '/preferences/export' },
      { kind: 'http', method: 'POST', path: '/preferences/erase' },
      { kind: 'http', method: 'GET', path: '/erased' },
    ],
    timeoutSeconds: 30,
    memoryMb: 512,
    // The only function that deletes a subscriber, kept apart from the busy preference centre.
    secrets: ['tokenSecret', 'suppressionSalt'],
    mail: 'none',
    table: {
      read: ['subscriber', 'email'],
      // Erasure keeps one thing: the address's salted hash on the suppression list.
      create: ['subscriber', 'suppression'],
      update: ['subscriber'],
      delete: ['subscriber', 'email'],
      transact: true,
    },
  },
  health: {
    entry: 'functions/health.ts',
    triggers: [{ kind: 'http', method: 'GET', path: '/health' }],
    timeoutSeconds: 5,
    memoryMb: 256,
    secrets: [],
    mail: 'probe',
    table: { describe: true },
  },
  match: {
    entry: 'functions/match.ts',
    // MODIFY: a newer version of a stored article, which may now match topics the first did not. The ledger
    // is keyed by story, so whoever already has the story is not alerted again.
    triggers: [{ kind: 'stream', eventNames: ['INSERT', 'MODIFY'], entities: ['article'], batchSize: 10 }],
    timeoutSeconds: 60,
    // One full vCPU (Lambda's CPU share grows with memory), and room for a million topics: a cold start
    // from the snapshot peaks at about 1,150 MB there (README, cold load), too close to 1,024.
    memoryMb: 1769,
    secrets: [],
    mail: 'none',
    // Fan-out chunks for its recipients; the snapshot of the topics, which a cold start reads (and leaves a
    // fresh one of when it is old) instead of the whole topics index.
    table: { read: ['topicSnapshot'], create: ['fanout', 'topicSnapshot'], index: ['topics'] },
  },
  fanout: {
    entry: 'functions/fanout.ts',
    // One chunk (up to 500 recipients) an invocation, ten at a time per shard: a story's chunks are
    // partitions of their own, so they are handled side by side and each is retried on its own.
    triggers: [
      {
        kind: 'stream',
        eventNames: ['INSERT'],
        entities: ['fanout'],
        batchSize: 1,
        parallelization: 10,
      },
    ],
    timeoutSeconds: 60,
    memoryMb: 256,
    secrets: [],
    mail: 'none',
    table: { create: ['subscriber'] },
  },
  send: {
    entry: 'functions/send.ts',
    // INSERT: a new delivery. MODIFY: the sweeper queued one again (a stale claim, a retry that came due).
    triggers: [
      {
        kind: 'stream',
        eventNames: ['INSERT', 'MODIFY'],
        entities: ['delivery'],
        statuses: ['queued'],
        batchSize: 10,
      },
    ],
    timeoutSeconds: 60,
    memoryMb: 512,
    secrets: ['tokenSecret', 'suppressionSalt'],
    mail: 'send',
    // sendControl: the shared send-rate tokens and the daily-quota pause; digestPause: the reputation
    // guard's, which holds digests back (read only: the guard and the operator set it).
    table: {
      // story: the other outlets an email names.
      read: ['subscriber', 'article', 'story', 'suppression', 'sendControl', 'digestPause'],
      update: ['subscriber', 'sendControl'],
    },
  },
  sweep: {
    entry: 'functions/sweep.ts',
    triggers: [{ kind: 'schedule', everyMinutes: 1 }],
    timeoutSeconds: 60,
    memoryMb: 256,
    secrets: [],
    mail: 'none',
    // Reads only the sparse sweep index (no scan) and re-queues by a conditional update.
    table: { update: ['subscriber'], index: ['sweep'] },
  },
  snapshot: {
    entry: 'functions/snapshot.ts',
    // Half an hour: a snapshot lives a day (TTL), so it never lapses however quiet the matcher is, and what
    // a cold matcher reads on top of it (the changes since) stays small.
    triggers: [{ kind: 'schedule', everyMinutes: 30 }],
    // Lambda's limit, not the matcher's 60 s: reading a million topics from the index is the slow path this
    // function exists to keep out of the matcher. Memory for a million topics held before they are packed
    // (a full index read peaked at about 1,360 MB there, README, cold load).
    timeoutSeconds: 900,
    memoryMb: 2048,
    secrets: [],
    mail: 'none',
    table: { create: ['topicSnapshot'], index: ['topics'] },
  },
  digest: {
    entry: 'functions/digest.ts',
    triggers: [{ kind: 'schedule', everyMinutes: 15 }],
    timeoutSeconds: 300,
    memoryMb: 512,
    secrets: [],
    mail: 'none',
    table: {
      // The due subscribers' profiles, topics, held matches, alert ledger entries and digested articles;
      // the digest delivery (a create), the digested-articles record and the next slot on the profile (its
      // updates), and the held matches it takes (its deletes). All under `SUB#<id>`. And the reputation
      // guard's pause, which stops the whole run.
      read: ['subscriber', 'digestPause'],
      create: ['subscriber'],
      update: ['subscriber'],
      delete: ['subscriber'],
      transact: true,
      index: ['digestSubscribers'],
    },
  },
  feedback: {
    entry: 'functions/feedback.ts',
    triggers: [{ kind: 'sns', topic: 'mailFeedback', retryAttempts: 2 }],
    timeoutSeconds: 30,
    memoryMb: 256,
    secrets: ['suppressionSalt'],
    mail: 'none',
    table: {
      // The address claim and subscriber; the suppression entry and counted bounces; the consent line (a
      // create in the subscriber's partition), the profile and its topics.
      read: ['email', 'subscriber', 'suppression'],
      create: ['subscriber', 'suppression'],
      update: ['subscriber'],
      transact: true,
    },
  },
  reputation: {
    entry: 'functions/reputation.ts',
    // Alarms change state rarely; a failed write is retried twice by SNS, then kept in the failure queue.
    triggers: [{ kind: 'sns', topic: 'reputationAlarms', retryAttempts: 2 }],
    timeoutSeconds: 10,
    memoryMb: 256,
    secrets: [],
    mail: 'none',
    // One conditional update of the digest pause; nothing else.
    table: { update: ['digestPause'] },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof functions;

export function httpRoutes(): { name: FunctionName; trigger: HttpTrigger }[] {
  return Object.entries(functions).flatMap(([name, fn]) =>
    (fn.triggers as readonly Trigger[])
      .filter((t): t is HttpTrigger => t.kind === 'http')
      .map((trigger) => ({ name: name as FunctionName, trigger })),
  );
}
