import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SnsEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { ConfigError } from '../errors';
import { functionDescriptions } from '../function-descriptions';
import { apiRoutes, fallbackFunction } from '../http/routes';
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
import { InvokeFunctionTarget } from './invoke-function-target';
import { openRouteReason } from './route-authorization';
import type { StackSettings } from './stack-settings';
import { checkTableAccess } from './table-access';
import { TidingsFunction } from './tidings-function';
import { TidingsMail } from './tidings-mail';
import { TidingsTable } from './tidings-table';

/** The environment variable through which `lib/config.ts` finds each secret. */
export const secretEnvironment: Record<SecretName, string> = {
  ingestKey: 'INGEST_KEY_SECRET_ARN',
  tokenSecret: 'TOKEN_SECRET_ARN',
  suppressionSalt: 'SUPPRESSION_SALT_SECRET_ARN',
};

/** A failing stream batch is split in half and retried up to this often before its records go to the queue. */
const streamRetryAttempts = 5;

/** Protects the functions and the SES reputation from request floods on the public endpoints. */
const apiThrottle = { rateLimit: 50, burstLimit: 100 };

export interface TidingsStackProps extends StackProps {
  readonly settings: StackSettings;
}

function constructId(name: FunctionName): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export class TidingsStack extends Stack {
  readonly table: TidingsTable;
  readonly mail: TidingsMail;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly secrets: Record<SecretName, Secret>;
  /** The topics the manifest's SNS triggers name. */
  readonly topics: Record<TopicName, ITopic>;
  readonly functions: Record<FunctionName, TidingsFunction>;

  constructor(scope: Construct, id: string, props: TidingsStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.table = new TidingsTable(this, 'Data');
    this.mail = new TidingsMail(this, 'Mail', { mailDomain: settings.mailDomain });
    this.secrets = this.createSecrets();
    this.topics = { mailFeedback: this.mail.feedbackTopic };

    this.api = new HttpApi(this, 'Api', {
      description: 'Tidings: subscribe pages, subscriptions and article ingest.',
      // Created below instead, because the default stage cannot be given access logs or throttling.
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // `$context.path` carries no query string, so confirm and unsubscribe tokens never reach the logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            route: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const publicUrl = settings.publicUrl ?? this.stage.url;

    const created: Partial<Record<FunctionName, TidingsFunction>> = {};
    for (const [name, declaration] of Object.entries(functions) as [FunctionName, FunctionDeclaration][]) {
      checkTableAccess(name, declaration);
      const fn = new TidingsFunction(this, constructId(name), {
        declaration,
        description: functionDescriptions[name],
      });
      // lib/config.ts requires both of every function; neither grants anything.
      fn.addEnvironment('TIDINGS_PUBLIC_URL', publicUrl);
      fn.addEnvironment('MAIL_FROM', settings.mailFrom);
      if (declaration.mail === 'send') fn.addEnvironment('TIDINGS_POSTAL_ADDRESS', settings.postalAddress);
      if (settings.subscribePerIpPerMinute !== undefined) {
        fn.addEnvironment('TIDINGS_SUBSCRIBE_PER_IP_PER_MINUTE', String(settings.subscribePerIpPerMinute));
      }
      if (settings.maxTopics !== undefined) {
        fn.addEnvironment('TIDINGS_MAX_TOPICS', String(settings.maxTopics));
      }
      // Only the senders share the cap; without it they read SES's own rate.
      if (settings.maxSendRate !== undefined && declaration.mail === 'send') {
        fn.addEnvironment('TIDINGS_MAX_SEND_RATE', String(settings.maxSendRate));
      }
      // Only ingest reads publication times and stores articles.
      if (name === 'ingest') {
        if (settings.sourceTimezones !== undefined) {
          fn.addEnvironment('TIDINGS_SOURCE_TIMEZONES', settings.sourceTimezones);
        }
        if (settings.articleRetentionDays !== undefined) {
          fn.addEnvironment('TIDINGS_ARTICLE_RETENTION_DAYS', String(settings.articleRetentionDays));
        }
      }
      if (settings.disposableDomains !== undefined) {
        fn.addEnvironment('TIDINGS_DISPOSABLE_DOMAINS', settings.disposableDomains.join(','));
      }
      fn.bindTable(this.table, declaration.table);
      for (const secret of declaration.secrets) {
        fn.bindSecret(this.secrets[secret], secretEnvironment[secret]);
      }
      if (declaration.mail !== 'none') fn.bindMail(this.mail, declaration.mail);
      this.addTriggers(name, declaration, fn);
      created[name] = fn;
    }
    this.functions = created as Record<FunctionName, TidingsFunction>;
    this.addRoutes();

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the HTTP API.' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'IngestKeySecretArn', {
      value: this.secrets.ingestKey.secretArn,
      description: 'Holds the Bearer key the publisher sends to POST /articles.',
    });
  }

  private createSecrets(): Record<SecretName, Secret> {
    const ingestKey = new Secret(this, 'IngestKey', {
      description: 'Tidings: Bearer key the publishing system sends with POST /articles.',
      // Punctuation would need escaping in shells and HTTP clients; 48 alphanumerics are ample entropy.
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(ingestKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The ingest key is a shared Bearer key the publishing system keeps a copy of; an automatic rotation ' +
        'would silently lock the publisher out, so it is rotated by hand together with the publisher.',
    });
    const tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'Tidings: HMAC key signing confirm and unsubscribe links.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Kept like the table: its subscribers' links stay valid only while the key that signed them exists.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The token secret signs the unsubscribe links already sitting in the mailboxes of readers; rotating it ' +
        'would break every one of them, and unsubscribing must keep working.',
    });
    // Its own secret, not the token secret: rotating the link-signing key must never un-suppress anyone.
    const suppressionSalt = new Secret(this, 'SuppressionSalt', {
      description: 'Tidings: HMAC key of the address hashes the suppression list is keyed by.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Without it no stored suppression matches any address again, so it outlives the stack like the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(suppressionSalt).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The suppression salt keys the hashes of every address that bounced or complained; a new salt would ' +
        'match none of them, so rotating it would quietly un-suppress them all and Tidings would mail them again.',
    });
    return { ingestKey, tokenSecret, suppressionSalt };
  }

  /**
   * The API's routes, exactly as `lib/http/routes.ts` derives them from the manifest (the local server serves
   * the same list): every declared route, its HEAD twin, and `$default` for the rest, which goes to the
   * fallback function so unknown paths and wrong methods get Tidings' own 404 and 405 answers.
   */
  private addRoutes(): void {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationOf = (name: FunctionName) => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${constructId(name)}Integration`, this.functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };
    const acknowledgeOpen = (route: IConstruct, name: FunctionName, routeKey: string) =>
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: openRouteReason(name, functions[name], routeKey),
      });
    for (const { name, method, path } of apiRoutes()) {
      const [route] = this.api.addRoutes({
        path,
        methods: [HttpMethod[method]],
        integration: integrationOf(name),
      });
      if (route) acknowledgeOpen(route, name, `${method} ${path}`);
    }
    const fallback = fallbackFunction();
    const unmatched = new HttpRoute(this, 'UnmatchedRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrationOf(fallback),
    });
    acknowledgeOpen(unmatched, fallback, '$default');
  }

  private addTriggers(name: FunctionName, declaration: FunctionDeclaration, fn: TidingsFunction): void {
    const id = constructId(name);
    const triggers: readonly Trigger[] = declaration.triggers;
    triggers.forEach((trigger, index) => {
      // HTTP triggers become routes in addRoutes, which needs every function to exist first.
      if (trigger.kind === 'schedule') {
        new Schedule(this, `${id}Schedule${index}`, {
          description: `Runs the Tidings ${name} function every ${trigger.everyMinutes === 1 ? 'minute' : `${trigger.everyMinutes} minutes`}.`,
          schedule: ScheduleExpression.rate(Duration.minutes(trigger.everyMinutes)),
          target: new InvokeFunctionTarget(fn),
        });
      }
    });
    const streamTriggers = triggers.filter((t): t is StreamTrigger => t.kind === 'stream');
    if (streamTriggers.length > 0) this.addStreamMapping(id, name, fn, streamTriggers);
    const snsTriggers = triggers.filter((t): t is SnsTrigger => t.kind === 'sns');
    if (snsTriggers.length > 0) this.addTopicSubscriptions(id, name, fn, snsTriggers);
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
    for (const trigger of triggers) fn.addEventSource(new SnsEventSource(this.topics[trigger.topic]));
    fn.configureAsyncInvoke({
      retryAttempts,
      onFailure: new SqsDestination(this.createFailureQueue(`${id}Notification`, name, 'SNS notifications')),
    });
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
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        `This queue is itself the failure destination of the ${name} function's ${source}; it holds the ` +
        'events (or pointers to them) that failed every retry, for an operator to inspect and replay, and has ' +
        'no consumer whose failures would need a further dead-letter queue.',
    });
    return queue;
  }
}
