/**
 * The one declaration of Tidings' functions and what triggers them. The CDK stack turns it into Lambda
 * functions, routes, event-source mappings and schedules; the local runner (`npm start`) serves the same
 * routes, polls DynamoDB Local's stream with the same filters and fires the same schedules. Neither keeps
 * a list of its own, so the two cannot drift.
 */

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
}

export interface ScheduleTrigger {
  readonly kind: 'schedule';
  readonly everyMinutes: number;
}

export type Trigger = HttpTrigger | StreamTrigger | ScheduleTrigger;

export interface FunctionDeclaration {
  /** Path of the handler module from the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly triggers: readonly Trigger[];
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Which secrets the function reads; the stack grants exactly these. */
  readonly secrets: readonly ('ingestKey' | 'tokenSecret')[];
  /** 'send': sends through SES; 'probe': only reads the send quota (health); 'none': no mail access. */
  readonly mail: 'send' | 'probe' | 'none';
}

export const functions = {
  ingest: {
    entry: 'functions/ingest.ts',
    description: 'Stores incoming articles once (POST /articles).',
    triggers: [{ kind: 'http', method: 'POST', path: '/articles' }],
    timeoutSeconds: 10,
    memoryMb: 512,
    secrets: ['ingestKey'],
    mail: 'none',
  },
  pages: {
    entry: 'functions/pages.ts',
    description:
      'Serves the subscribe, confirm and unsubscribe pages, the article archive and topic previews.',
    triggers: [
      { kind: 'http', method: 'GET', path: '/' },
      { kind: 'http', method: 'GET', path: '/confirm' },
      { kind: 'http', method: 'GET', path: '/unsubscribe' },
      { kind: 'http', method: 'GET', path: '/articles/{id}' },
      { kind: 'http', method: 'GET', path: '/preview' },
    ],
    timeoutSeconds: 5,
    memoryMb: 256,
    secrets: ['tokenSecret'],
    mail: 'none',
  },
  subscriptions: {
    entry: 'functions/subscriptions.ts',
    description: 'Subscribes, confirms and unsubscribes (state-changing POSTs).',
    triggers: [
      { kind: 'http', method: 'POST', path: '/subscriptions' },
      { kind: 'http', method: 'POST', path: '/confirm' },
      { kind: 'http', method: 'POST', path: '/unsubscribe' },
    ],
    timeoutSeconds: 10,
    memoryMb: 512,
    secrets: ['tokenSecret'],
    mail: 'send',
  },
  health: {
    entry: 'functions/health.ts',
    description: 'Answers 200 once the table and the mail service are reachable.',
    triggers: [{ kind: 'http', method: 'GET', path: '/health' }],
    timeoutSeconds: 5,
    memoryMb: 256,
    secrets: [],
    mail: 'probe',
  },
  match: {
    entry: 'functions/match.ts',
    description: 'Matches each new article against every active topic and records deliveries.',
    triggers: [{ kind: 'stream', eventNames: ['INSERT'], entities: ['article'], batchSize: 10 }],
    timeoutSeconds: 60,
    memoryMb: 1024,
    secrets: [],
    mail: 'none',
  },
  send: {
    entry: 'functions/send.ts',
    description: 'Renders and sends each queued delivery through SES, once.',
    triggers: [
      { kind: 'stream', eventNames: ['INSERT'], entities: ['delivery'], statuses: ['queued'], batchSize: 10 },
    ],
    timeoutSeconds: 60,
    memoryMb: 512,
    secrets: ['tokenSecret'],
    mail: 'send',
  },
  digest: {
    entry: 'functions/digest.ts',
    description: 'Queues a digest for every subscriber whose local digest time has come.',
    triggers: [{ kind: 'schedule', everyMinutes: 15 }],
    timeoutSeconds: 300,
    memoryMb: 512,
    secrets: [],
    mail: 'none',
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
