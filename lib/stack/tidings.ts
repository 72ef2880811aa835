import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { HttpApi, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Grant, IGrantable, ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SnsEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigError } from '../errors';
import { functionDescriptions } from '../function-descriptions';
import {
  type FunctionDeclaration,
  type FunctionName,
  functions,
  type SecretName,
  type SnsTrigger,
  type StreamTrigger,
  type TopicName,
  type Trigger,
} from '../manifest';
import { streamFilterPattern } from '../stream/filter-pattern';
import { cloudWatchTopic } from './cloudwatch-topic';
import { DeadLetterOperator } from './dead-letter-operator';
import { InvokeFunctionTarget } from './invoke-function-target';
import { checkTableAccess } from './table-access';
import { TidingsApi } from './tidings-api';
import { TidingsFunction } from './tidings-function';
import { TidingsMail } from './tidings-mail';
import { TidingsMonitoring } from './tidings-monitoring';
import {
  type ResolvedTidingsProps,
  resolveTidingsProps,
  type SettingNamer,
  type TidingsProps,
} from './tidings-props';
import { TidingsState } from './tidings-state';
import type { TidingsTable } from './tidings-table';

/** The environment variable through which `lib/config.ts` finds each secret. */
export const secretEnvironment: Record<SecretName, string> = {
  ingestKey: 'INGEST_KEY_SECRET_ARN',
  tokenSecret: 'TOKEN_SECRET_ARN',
  suppressionSalt: 'SUPPRESSION_SALT_SECRET_ARN',
};

/** A failing stream batch is split in half and retried up to this often before its records go to the queue. */
const streamRetryAttempts = 5;

/** A scheduled run that throws is tried this many more times (Lambda's asynchronous retries, at most 2). */
const scheduledRetryAttempts = 2;

export interface TidingsConstructProps extends TidingsProps {
  /**
   * The table and keys, when another stack keeps them (`new TidingsState(stateStack, 'State')`); by
   * default `Tidings` creates its own, as a child named `State`.
   */
  readonly state?: TidingsState;
  /** How errors name a setting: the props (default) or the CDK context keys that set them. */
  readonly settingNames?: SettingNamer;
}

/**
 * Where a failed invocation of the function goes, for the Serverless pack's DLQ rule, which looks only at
 * the legacy `DeadLetterConfig` of asynchronous invocations.
 */
function failureRouteOf(name: FunctionName, declaration: FunctionDeclaration): string {
  const kinds = new Set(declaration.triggers.map((t) => t.kind));
  if (kinds.has('stream')) {
    return `The ${name} function reads the table's stream: a batch it fails every retry goes to the event source mapping's on-failure SQS queue, which a function-level DLQ would never see.`;
  }
  if (kinds.has('schedule') || kinds.has('sns')) {
    return `The ${name} function is invoked asynchronously; its EventInvokeConfig sends a failed event, with the error, to an SQS on-failure destination, the successor of the legacy DeadLetterConfig.`;
  }
  return `The ${name} function is invoked synchronously by API Gateway only: a failure is answered to the caller, and there is no asynchronous event a dead-letter queue could keep.`;
}

/** A dead-letter queue and what fails into it: `label` says so in words, for alarms. */
export interface FailureQueue {
  readonly queue: Queue;
  readonly function: FunctionName;
  readonly source: string;
  readonly label: string;
}

function constructId(name: FunctionName): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Whether the function stores articles, and so reads the source zones and the retention. */
const storesArticles = (declaration: FunctionDeclaration) =>
  (declaration.table.create as readonly string[] | undefined)?.includes('article') ?? false;

/**
 * Tidings on AWS, as one construct another team's CDK app can hold: `new Tidings(this, 'Alerts', {
 * senderAddress, postalAddress, domain?, hostedZone?, … })`. Every function, route, stream mapping, schedule
 * and topic subscription comes from `lib/manifest.ts`, each function with exactly the grants it declares.
 * The settings are checked here, so a bad one fails the synth with its name and what it must be.
 */
export class Tidings extends Construct {
  readonly settings: ResolvedTidingsProps;
  readonly state: TidingsState;
  readonly table: TidingsTable;
  readonly mail: TidingsMail;
  readonly http: TidingsApi;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** The base URL of the links in emails. */
  readonly publicUrl: string;
  /** The secrets the functions read; no ingest key under IAM authentication. */
  readonly secrets: Partial<Record<SecretName, Secret>>;
  /** The topics the manifest's SNS triggers name. */
  readonly topics: Record<TopicName, ITopic>;
  readonly functions: Record<FunctionName, TidingsFunction>;
  /** Alarms on every queue, function, the SES reputation and the API, to one topic, and a dashboard. */
  readonly monitoring: TidingsMonitoring;
  /** Every dead-letter queue, with what fails into it (for alarms and `npx tidings dlq`). */
  readonly failureQueues: FailureQueue[] = [];
  /** Exactly what an operator needs to run `npx tidings dlq list|replay`: attach it to their role. */
  readonly deadLetterOperatorPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: TidingsConstructProps) {
    super(scope, id);
    const settings = resolveTidingsProps(props, props.settingNames);
    this.settings = settings;
    const removalPolicy = settings.development ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.state = props.state ?? new TidingsState(this, 'State', { removalPolicy });
    this.table = this.state.table;
    this.mail = new TidingsMail(this, 'Mail', {
      senderAddress: settings.senderAddress,
      ...(settings.domain && { domain: settings.domain }),
      ...(settings.hostedZone && { hostedZone: settings.hostedZone }),
    });
    this.secrets = {
      tokenSecret: this.state.tokenSecret,
      suppressionSalt: this.state.suppressionSalt,
      ...(settings.ingestAuth === 'key' && { ingestKey: this.createIngestKey(settings.ingestKeyGeneration) }),
    };
    this.topics = { mailFeedback: this.mail.feedbackTopic, reputationAlarms: this.createReputationTopic() };

    this.http = new TidingsApi(this, 'Http', { settings, removalPolicy });
    this.api = this.http.api;
    this.stage = this.http.stage;
    this.publicUrl = settings.publicUrl ?? this.http.url;

    const created: Partial<Record<FunctionName, TidingsFunction>> = {};
    for (const [name, declaration] of Object.entries(functions) as [FunctionName, FunctionDeclaration][]) {
      created[name] = this.createFunction(name, declaration, removalPolicy);
    }
    this.functions = created as Record<FunctionName, TidingsFunction>;
    this.http.addRoutes(this.functions);

    this.deadLetterOperatorPolicy = new DeadLetterOperator(this, 'DeadLetterOperator', {
      table: this.table,
      failureQueues: this.failureQueues.map(({ queue }) => queue),
      functions: this.functions,
    }).policy;

    this.monitoring = new TidingsMonitoring(this, 'Monitoring', {
      functions: this.functions,
      deadLetterQueues: this.failureQueues,
      configurationSetName: this.mail.configurationSet.configurationSetName,
      stage: this.stage,
      accessLogs: this.http.accessLogs,
      // The reputation function pauses digests when either reputation alarm fires.
      reputationTopic: this.topics.reputationAlarms,
      ...(settings.alarmEmail !== undefined && { alarmEmail: settings.alarmEmail }),
    });
  }

  /**
   * Lets `grantee` call the ingest routes (`POST /articles`, `/feeds`) when they are IAM-authenticated
   * (`ingestAuth: 'iam'`): the publisher's role signs its requests with SigV4.
   */
  grantIngest(grantee: IGrantable): Grant {
    return this.http.grantIngest(grantee);
  }

  private createFunction(
    name: FunctionName,
    declaration: FunctionDeclaration,
    removalPolicy: RemovalPolicy,
  ): TidingsFunction {
    const { settings } = this;
    checkTableAccess(name, declaration);
    const fn = new TidingsFunction(this, constructId(name), {
      declaration,
      description: functionDescriptions[name],
      logRemovalPolicy: removalPolicy,
    });
    // lib/config.ts requires both of every function; neither grants anything.
    fn.addEnvironment('TIDINGS_PUBLIC_URL', this.publicUrl);
    fn.addEnvironment('MAIL_FROM', settings.senderAddress);
    const setting = (variable: string, value: string | number | undefined) => {
      if (value !== undefined) fn.addEnvironment(variable, String(value));
    };
    if (declaration.mail === 'send') setting('TIDINGS_POSTAL_ADDRESS', settings.postalAddress);
    setting('TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE', settings.subscribePerIpPerMinute);
    setting('TIDINGS_MAX_TOPICS', settings.maxTopics);
    setting('TIDINGS_DISPOSABLE_DOMAINS', settings.disposableDomains?.join(','));
    // Only the senders share the cap; without it they read SES's own rate.
    if (declaration.mail === 'send') setting('TIDINGS_MAX_SEND_RATE', settings.maxSendRate);
    if (storesArticles(declaration)) {
      setting(
        'TIDINGS_SOURCE_TIMEZONES',
        settings.sourceTimezones && JSON.stringify(settings.sourceTimezones),
      );
      setting('TIDINGS_ARTICLE_RETENTION_DAYS', settings.articleRetentionDays);
    }
    fn.bindTable(this.table, declaration.table);
    for (const secretName of declaration.secrets) {
      const secret = this.secrets[secretName];
      // Under IAM authentication API Gateway checks the caller, so the ingest functions get no key at all.
      if (secret) fn.bindSecret(secret, secretEnvironment[secretName]);
      else if (secretName === 'ingestKey') fn.addEnvironment('TIDINGS_INGEST_AUTH', 'iam');
      else throw new ConfigError(`The ${name} function declares the ${secretName} secret, which is missing.`);
    }
    if (declaration.mail !== 'none') fn.bindMail(this.mail, declaration.mail);
    this.addTriggers(name, declaration, fn);
    Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: failureRouteOf(name, declaration) });
    return fn;
  }

  /**
   * Where the alarms on SES's bounce and complaint rates publish their state changes, for the reputation
   * function. CloudWatch cannot publish to a topic under the AWS-managed SNS key, whose policy it is not in,
   * so the topic has a key of its own that CloudWatch of this account may encrypt with.
   */
  private createReputationTopic(): Topic {
    return cloudWatchTopic(
      this,
      { key: 'ReputationAlarmsKey', topic: 'ReputationAlarms' },
      'Tidings reputation alarms',
    );
  }

  /**
   * The ingest key, generation `generation`: a new generation is a new secret (a new logical id), so
   * raising `ingestKeyGeneration` and re-deploying replaces the key, the old one deleted with the update.
   */
  private createIngestKey(generation: number): Secret {
    const ingestKey = new Secret(this, generation === 1 ? 'IngestKey' : `IngestKey${generation}`, {
      description: `Tidings: Bearer key the publishing system sends with POST /articles (generation ${generation}).`,
      // Punctuation would need escaping in shells and HTTP clients; 48 alphanumerics are ample entropy.
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(ingestKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The ingest key is a shared Bearer key the publishing system keeps a copy of, so it is rotated when the ' +
        'publisher is ready: raising tidings:ingestKeyGeneration and re-deploying replaces it (README, ' +
        '"Runbook"); an automatic rotation would silently lock the publisher out.',
    });
    return ingestKey;
  }

  private addTriggers(name: FunctionName, declaration: FunctionDeclaration, fn: TidingsFunction): void {
    const id = constructId(name);
    const triggers: readonly Trigger[] = declaration.triggers;
    const schedules = triggers.filter((t) => t.kind === 'schedule');
    if (schedules.length > 0) {
      // A run that throws, or that Scheduler cannot hand over, lands here instead of only in the logs.
      const queue = this.createFailureQueue(`${id}Schedule`, name, 'scheduled runs');
      const everyMinutes = this.scheduleMinutes(name);
      fn.configureAsyncInvoke({
        retryAttempts: scheduledRetryAttempts,
        maxEventAge: Duration.minutes(Math.max(1, everyMinutes)),
        onFailure: new SqsDestination(queue),
      });
      schedules.forEach((_, index) => {
        new Schedule(this, `${id}Schedule${index}`, {
          description: `Runs the Tidings ${name} function every ${everyMinutes === 1 ? 'minute' : `${everyMinutes} minutes`}.`,
          schedule: ScheduleExpression.rate(Duration.minutes(everyMinutes)),
          target: new InvokeFunctionTarget(fn, queue, Duration.minutes(everyMinutes)),
        });
      });
    }
    const streamTriggers = triggers.filter((t): t is StreamTrigger => t.kind === 'stream');
    if (streamTriggers.length > 0) this.addStreamMapping(id, name, fn, streamTriggers);
    const snsTriggers = triggers.filter((t): t is SnsTrigger => t.kind === 'sns');
    if (snsTriggers.length > 0) this.addTopicSubscriptions(id, name, fn, snsTriggers);
  }

  /** The manifest's rate, but the digest and poll rates are the deployment's to choose. */
  private scheduleMinutes(name: FunctionName): number {
    if (name === 'digest') return this.settings.digestEveryMinutes;
    if (name === 'poll') return this.settings.feedPollEveryMinutes;
    const schedule = (functions[name].triggers as readonly Trigger[]).find((t) => t.kind === 'schedule');
    if (!schedule) throw new ConfigError(`The ${name} function has no schedule.`);
    return schedule.everyMinutes;
  }

  /**
   * Subscribes the function to each topic. SNS invokes Lambda asynchronously, so the retries and the failure
   * queue are the function's asynchronous-invocation settings, one per function like the stream mapping's.
   */
  private addTopicSubscriptions(
    id: string,
    name: FunctionName,
    fn: TidingsFunction,
    triggers: SnsTrigger[],
  ): void {
    const attempts = new Set(triggers.map((t) => t.retryAttempts));
    const [retryAttempts] = attempts;
    if (attempts.size !== 1 || retryAttempts === undefined) {
      throw new ConfigError(
        `The SNS triggers of the ${name} function ask for different retry attempts (${[...attempts].join(', ')}); a function has one setting.`,
      );
    }
    const queue = this.createFailureQueue(`${id}Notification`, name, 'SNS notifications');
    // A message SNS could not hand to Lambda at all (its delivery retries spent) lands in the same queue as
    // one the function failed, so an operator looks in one place.
    for (const trigger of triggers) {
      fn.addEventSource(new SnsEventSource(this.topics[trigger.topic], { deadLetterQueue: queue }));
    }
    fn.configureAsyncInvoke({ retryAttempts, onFailure: new SqsDestination(queue) });
  }

  /**
   * Lambda allows one mapping per function and stream, so several stream triggers of one function become
   * one mapping whose filters are alternatives (a record matching any of them is delivered).
   */
  private addStreamMapping(
    id: string,
    name: FunctionName,
    fn: TidingsFunction,
    triggers: StreamTrigger[],
  ): void {
    const batchSizes = new Set(triggers.map((t) => t.batchSize));
    const [batchSize] = batchSizes;
    if (batchSizes.size !== 1 || batchSize === undefined) {
      throw new ConfigError(
        `The stream triggers of the ${name} function ask for different batch sizes (${[...batchSizes].join(', ')}); one mapping can only have one.`,
      );
    }
    const parallelizationFactor = Math.max(...triggers.map((t) => t.parallelization ?? 1));
    fn.addEventSource(
      new DynamoEventSource(this.table.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize,
        parallelizationFactor,
        bisectBatchOnError: true,
        retryAttempts: streamRetryAttempts,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.createFailureQueue(`${id}Stream`, name, 'stream mapping')),
        filters: triggers.map((trigger) => FilterCriteria.filter(streamFilterPattern(trigger))),
      }),
    );
  }

  /** Where the events of `source` go once the function has failed them every retry. */
  private createFailureQueue(id: string, name: FunctionName, source: string): Queue {
    const queue = new Queue(this, `${id}Failures`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to notice, fix the function and replay.
      retentionPeriod: Duration.days(14),
    });
    const isTheDeadLetterQueue =
      `This queue is itself the failure destination of the ${name} function's ${source}; it holds the ` +
      'events (or pointers to them) that failed every retry, for an operator to inspect and replay, and has ' +
      'no consumer whose failures would need a further dead-letter queue.';
    Validations.of(queue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: isTheDeadLetterQueue },
      { id: 'Serverless-SQSRedrivePolicy', reason: isTheDeadLetterQueue },
    );
    this.failureQueues.push({ queue, function: name, source, label: `the ${name} function's ${source}` });
    return queue;
  }
}
