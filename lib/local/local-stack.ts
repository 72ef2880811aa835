import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SNSEvent } from 'aws-lambda';
import {
  type FunctionName,
  functions,
  type ScheduleTrigger,
  type StreamTrigger,
  type TopicName,
  type Trigger,
} from '../manifest';
import { startDynamoDbLocal } from './dynamodb-local';
import { type HttpLambda, startHttpServer } from './http-server';
import { withLambdaTimeout } from './lambda-timeout';
import { functionEnvironment, type LocalSettings, localSuppressionSalt, localTokenSecret } from './local-env';
import { startSesEndpoint } from './ses-endpoint';
import { localTopicArn, snsEvent, startSesFeedbackLoop } from './ses-feedback';
import { startSendEventPublisher } from './ses-send-events';
import { type StreamLambda, type StreamPoller, startStreamPoller } from './stream-poller';
import { ensureTable } from './table-setup';

export interface LocalStackOptions {
  readonly projectRoot: string;
  readonly settings: LocalSettings;
  /** Keep DynamoDB data and stream positions in `settings.dataDir`; tests run in memory. */
  readonly persist: boolean;
  /** Fire schedule triggers on timers (off in tests, which run schedules by hand). */
  readonly schedules: boolean;
  readonly log?: (line: string) => void;
  /**
   * For tests only: the endpoints the functions are given, from the emulators' own. A fault-injection test
   * returns a proxy of its own here; the table setup, the stream poller and the SES feedback loop keep
   * talking to the emulators directly, as Lambda's event source mapping and SES's own plumbing do not go
   * through a function's network path.
   */
  readonly endpointsFor?: (emulators: LocalEndpoints) => Promise<LocalEndpoints>;
}

export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly ses: string;
}

type AnyHandler = (event: unknown) => Promise<unknown>;

/** One line of `dead-letters.jsonl`: what gave up, why and when (`lib/dead-letters/local-dead-letters.ts`). */
const deadLetterLine = (entry: Record<string, unknown>) =>
  `${JSON.stringify({ ...entry, at: new Date().toISOString() })}\n`;

/** Mirrors the stack's retry attempts for stream event sources. */
const STREAM_RETRY_ATTEMPTS = 5;

async function loadHandlers(projectRoot: string): Promise<Map<FunctionName, AnyHandler>> {
  const loaded = new Map<FunctionName, AnyHandler>();
  for (const [name, fn] of Object.entries(functions)) {
    const module = (await import(resolve(projectRoot, fn.entry))) as { handler?: AnyHandler };
    if (typeof module.handler !== 'function') throw new Error(`${fn.entry} does not export a handler.`);
    // Every trigger (HTTP, stream, schedule, topic, a test's invoke) meets the manifest's timeout.
    loaded.set(name as FunctionName, withLambdaTimeout(module.handler, fn.timeoutSeconds));
  }
  return loaded;
}

function triggersOf<K extends Trigger['kind']>(kind: K) {
  return Object.entries(functions).flatMap(([name, fn]) =>
    (fn.triggers as readonly Trigger[])
      .filter((t): t is Extract<Trigger, { kind: K }> => t.kind === kind)
      .map((trigger) => ({ name: name as FunctionName, trigger })),
  );
}

/**
 * Runs Tidings on one machine: DynamoDB Local, the SES endpoint, the HTTP API and the event plumbing (stream
 * → function, schedule → function, SES simulator feedback → topic → function), all read from the one
 * manifest the CDK stack reads.
 */
export async function startLocalStack(options: LocalStackOptions) {
  const { settings, projectRoot } = options;
  const log = options.log ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    await mkdir(settings.dataDir, { recursive: true });
    const dynamodb = await startDynamoDbLocal({
      projectRoot,
      port: settings.dynamodbPort,
      dbPath: options.persist ? join(settings.dataDir, 'dynamodb') : undefined,
    });
    stops.push(() => dynamodb.stop());
    const deadLetters = join(settings.dataDir, 'dead-letters.jsonl');
    // Bound late: SES's events go out only once the handlers are loaded (`sendEvents.start()` below).
    let publishEvent: (topic: TopicName, message: string) => Promise<void> = async () => {
      throw new Error('The local event plumbing is not running yet.');
    };
    const sendEvents = startSendEventPublisher({
      dir: join(settings.dataDir, 'ses-events'),
      outboxDir: settings.outboxDir,
      publish: (message) => publishEvent('mailFeedback', message),
      log,
    });
    await sendEvents.prepare();
    const ses = await startSesEndpoint({
      port: settings.sesPort,
      outboxDir: settings.outboxDir,
      sendEvents: sendEvents.journal,
    });
    stops.push(() => ses.stop());

    const emulators = { dynamodb: dynamodb.endpoint, ses: ses.endpoint };
    const env = functionEnvironment(
      settings,
      options.endpointsFor ? await options.endpointsFor(emulators) : emulators,
      localTokenSecret(process.env, settings.dataDir),
      localSuppressionSalt(process.env, settings.dataDir),
    );
    // The handlers read their configuration from the environment, exactly as in Lambda.
    Object.assign(process.env, env);

    const clientConfig = {
      region: env.AWS_REGION,
      endpoint: dynamodb.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    const streamArn = await ensureTable(new DynamoDBClient(clientConfig), settings.tableName);
    const handlers = await loadHandlers(projectRoot);

    const http = await startHttpServer(handlers as Map<string, HttpLambda>, settings.port, {
      allowedOrigins: settings.allowedOrigins,
    });
    stops.push(() => http.stop());

    /**
     * SNS invokes its Lambda subscribers asynchronously: a failed event is retried with the same message id
     * as often as the trigger declares, then kept as a dead letter, and one subscriber's failure does not
     * hold up another's.
     */
    const publish = async (topic: TopicName, message: string) => {
      const event = snsEvent(localTopicArn(topic), message, new Date());
      for (const { name, trigger } of triggersOf('sns')) {
        const { retryAttempts } = trigger;
        if (trigger.topic !== topic) continue;
        const handler = handlers.get(name) as (event: SNSEvent) => Promise<unknown>;
        for (let attempt = 0; ; attempt++) {
          try {
            await handler(event);
            break;
          } catch (error) {
            if (attempt < retryAttempts) {
              await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
              continue;
            }
            const reason = (error as Error).message;
            log(`[${name}] gave up on ${topic} message ${event.Records[0]?.Sns.MessageId}: ${reason}`);
            await appendFile(deadLetters, deadLetterLine({ function: name, reason, event }));
            break;
          }
        }
      }
    };
    publishEvent = publish;
    // Before any stream record is read again: a restart must record what SES accepted from the process that
    // died before a redelivered record could claim it (and send it) a second time.
    await sendEvents.start();
    stops.push(() => sendEvents.stop());

    const streams = new DynamoDBStreamsClient(clientConfig);
    const pollers: StreamPoller[] = triggersOf('stream').map(({ name, trigger }) =>
      startStreamPoller({
        name,
        client: streams,
        streamArn,
        trigger: trigger as StreamTrigger,
        handler: handlers.get(name) as StreamLambda,
        checkpointFile: options.persist ? join(settings.dataDir, 'streams', `${name}.json`) : undefined,
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        onDeadLetter: async (fn, record, reason) => {
          log(`[${fn}] gave up on record ${record.dynamodb?.SequenceNumber}: ${reason} (see ${deadLetters})`);
          await appendFile(deadLetters, deadLetterLine({ function: fn, reason, record }));
        },
      }),
    );
    for (const poller of pollers) {
      await poller.start();
      stops.push(() => poller.stop());
    }

    const mailFeedback = startSesFeedbackLoop({
      sesEndpoint: ses.endpoint,
      publish: (message) => publish('mailFeedback', message),
      log,
    });
    await mailFeedback.start();
    stops.push(() => mailFeedback.stop());

    /**
     * One scheduled run. On AWS a failed run goes to the schedule's failure queue; here it becomes a dead
     * letter, so `tidings dlq replay` runs it again the same way on both.
     */
    const runSchedule = async (name: FunctionName): Promise<void> => {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`No function named ${name}.`);
      try {
        await handler({ source: 'local.scheduler', 'detail-type': 'Scheduled Event' });
      } catch (error) {
        const reason = (error as Error).message;
        log(`[${name}] scheduled run failed: ${reason} (see ${deadLetters})`);
        await appendFile(deadLetters, deadLetterLine({ function: name, reason, schedule: true }));
      }
    };

    if (options.schedules) {
      for (const { name, trigger } of triggersOf('schedule')) {
        const every = (trigger as ScheduleTrigger).everyMinutes * settings.scheduleMinuteMs;
        const timer = setInterval(() => {
          void runSchedule(name).catch(() => {});
        }, every);
        timer.unref();
        stops.push(async () => clearInterval(timer));
      }
    }

    return {
      apiUrl: `http://localhost:${http.port}`,
      apiPort: http.port,
      sesUrl: ses.endpoint,
      dynamodbUrl: dynamodb.endpoint,
      outboxDir: settings.outboxDir,
      env,
      /**
       * The SES simulator's feedback: `hold()` keeps its answers back (as SES can take minutes to send them)
       * until `release()`, so a test can see the mail a subscriber got before the bounce arrives.
       */
      mailFeedback: { hold: () => mailFeedback.hold(), release: () => mailFeedback.release() },
      /**
       * Resolves once every stream consumer and the SES simulator have made a full pass that found nothing
       * new, and every Send event is published.
       */
      async whenIdle(timeoutMs = 20_000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        let quietPasses = 0;
        while (quietPasses < 3) {
          if (Date.now() > deadline) throw new Error('The local event plumbing did not settle in time.');
          await new Promise((r) => setTimeout(r, 150));
          quietPasses =
            pollers.every((p) => p.idle) && mailFeedback.idle && sendEvents.idle ? quietPasses + 1 : 0;
        }
      },
      /** Publishes to a topic as SNS would: every subscribed function gets it, with retries and dead letters. */
      publish,
      /** Runs a schedule trigger's function once as its timer would, dead letter included. */
      runSchedule,
      invoke: (name: FunctionName, event: unknown) => {
        const handler = handlers.get(name);
        if (!handler) throw new Error(`No function named ${name}.`);
        return handler(event);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;

/** `npm start -- --fresh`: forget every table, stream position and sent message. */
export async function wipeData(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
}
