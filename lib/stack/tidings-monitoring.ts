import { Duration, Validations } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cloudWatchTopic } from './cloudwatch-topic';

/** The namespace Tidings' own metrics (Powertools Metrics, written as EMF) are published in. */
export const metricsNamespace = 'Tidings';

/**
 * The `service` dimension Powertools Metrics adds to every metric it writes. ASSUMPTION: the functions build
 * their `Metrics` with the service name their `Logger` has (`lib/log.ts`: `serviceName: 'tidings'`), so the
 * dimension is the same on every function; `test/stack/tidings-monitoring.test.ts` checks the logger's name
 * against this. Powertools falls back to `service_undefined` when no name is given at all, which no alarm
 * here would see, so a `Metrics` built without a service name is a bug in the emitting code.
 */
export const metricsService = 'tidings';

/** SES puts an account under review at a 5 % bounce rate; alarming at 4 % leaves room to act. */
export const defaultBounceRate = 0.04;
/** SES puts an account under review at a 0.1 % complaint rate; alarming at 0.08 % leaves room to act. */
export const defaultComplaintRate = 0.0008;

export interface MonitoringThresholds {
  /** Account bounce rate, as SES reports it (a fraction: 0.04 = 4 %). Default 0.04. */
  readonly bounceRate?: number;
  /** Account complaint rate, a fraction (0.0008 = 0.08 %). Default 0.0008. */
  readonly complaintRate?: number;
  /** Sends SES refused as throttled in 5 minutes (the `SendThrottles` metric). Default 1. */
  readonly sendThrottles?: number;
  /** Percentage of API requests answered 5xx in 5 minutes. Default 5. */
  readonly apiServerErrorPercent?: number;
  /** API requests answered 429 in 5 minutes (stage throttle or the subscribe limit). Default 20. */
  readonly apiTooManyRequests?: number;
}

/** A dead-letter queue and what it holds, in words an operator reads in the alarm: "the send function's stream mapping". */
export interface MonitoredQueue {
  readonly label: string;
  readonly queue: IQueue;
}

export interface TidingsMonitoringProps {
  /** Every function, by the name the manifest gives it. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Every queue failed events end up in; each gets an alarm as soon as it holds one message. */
  readonly deadLetterQueues: readonly MonitoredQueue[];
  /** The configuration set Tidings sends through; its reputation metrics go on the dashboard. */
  readonly configurationSetName: string;
  /** The HTTP API's stage, for request counts, latency and 5xx. */
  readonly stage: IHttpStage;
  /**
   * The stage's JSON access log (with a `status` field): HTTP APIs publish no throttling metric, so the
   * 429s are counted from it. Without it there is no throttling alarm.
   */
  readonly accessLogs?: ILogGroup;
  /** Subscribed to the alarm topic by email when given (the address must confirm the subscription). */
  readonly alarmEmail?: string;
  /**
   * Also told when a reputation alarm goes to ALARM, e.g. the topic of a function that pauses sending. Its
   * key, if it is encrypted, must let CloudWatch use it as this construct's key does.
   */
  readonly reputationTopic?: ITopic;
  readonly thresholds?: MonitoringThresholds;
}

const fiveMinutes = Duration.minutes(5);

/**
 * SES's reputation metric `Reputation.<name>`, a fraction (0.04 = 4 %) over SES's recent representative
 * volume: account-wide when no configuration set is given (what SES reviews, and what the alarms read), else
 * the configuration set's own series (published because the set has reputation metrics enabled; dashboard
 * only, under the `ses:configuration-set` dimension). The highest value of 15 minutes, because SES publishes
 * the rate only now and then and a short period would mostly be empty.
 */
function sesReputation(name: 'BounceRate' | 'ComplaintRate', configurationSet?: string): Metric {
  return new Metric({
    namespace: 'AWS/SES',
    metricName: `Reputation.${name}`,
    ...(configurationSet !== undefined && { dimensionsMap: { 'ses:configuration-set': configurationSet } }),
    statistic: Stats.MAXIMUM,
    period: Duration.minutes(15),
  });
}

/** A Tidings EMF metric, summed (or `statistic`) over 5 minutes. */
function tidingsMetric(name: string, statistic: string, label?: string): Metric {
  return new Metric({
    namespace: metricsNamespace,
    metricName: name,
    dimensionsMap: { service: metricsService },
    statistic,
    period: fiveMinutes,
    ...(label !== undefined && { label }),
  });
}

/** 0.0008 as "0.08 %". */
function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))} %`;
}

function idOf(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Alarms on what needs a person — failed events parked in a dead-letter queue, function errors and
 * throttles, the SES reputation nearing a review, SES throttling sends, API 5xx and throttling — sent to one
 * KMS-encrypted topic (and email, when configured), and a dashboard of the rest.
 */
export class TidingsMonitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  /** Every alarm this construct creates, reputation alarms included. */
  readonly alarms: Alarm[] = [];
  /** Bounce rate and complaint rate: the two that can get the SES account paused, for a guard to act on. */
  readonly reputationAlarms: Alarm[];

  private readonly alarmAction: SnsAction;

  constructor(scope: Construct, id: string, props: TidingsMonitoringProps) {
    super(scope, id);
    const thresholds = props.thresholds ?? {};
    this.alarmTopic = this.createAlarmTopic();
    this.alarmAction = new SnsAction(this.alarmTopic);
    if (props.alarmEmail !== undefined) {
      const subscription = this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An alarm email SNS could not deliver has nothing to replay it to; the alarm stays in ALARM in ' +
          'CloudWatch and on the dashboard, which is where an operator acts on it.',
      });
    }

    for (const { label, queue } of props.deadLetterQueues) {
      this.addAlarm(`${queue.node.id}Depth`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: fiveMinutes,
          statistic: Stats.MAXIMUM,
        }),
        threshold: 1,
        description:
          `The dead-letter queue of ${label} holds events that failed every retry. Read them in the SQS ` +
          "console, find the cause in the function's logs, fix it, then redrive the queue. Mail or matches " +
          'in those events have not happened yet.',
        // SQS stops publishing for a queue that is empty and idle; no data means no parked messages.
        missing: TreatMissingData.NOT_BREACHING,
      });
    }

    for (const [name, fn] of Object.entries(props.functions)) {
      this.addAlarm(`${idOf(name)}FunctionErrors`, {
        metric: fn.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
        threshold: 1,
        description:
          `The ${name} function failed at least once in 5 minutes (an uncaught error or a timeout). Look ` +
          'for level ERROR in its log group; failed events are retried and then land in its dead-letter queue.',
        // No data means no invocations, hence no errors.
        missing: TreatMissingData.NOT_BREACHING,
      });
      this.addAlarm(`${idOf(name)}FunctionThrottles`, {
        metric: fn.metricThrottles({ period: fiveMinutes, statistic: Stats.SUM }),
        threshold: 1,
        description:
          `Lambda refused to run the ${name} function at least once in 5 minutes because the account's (or ` +
          "the function's reserved) concurrency was used up. Requests got 429/503 or events waited; raise " +
          'the concurrency limit or find what is using it.',
        missing: TreatMissingData.NOT_BREACHING,
      });
    }

    const bounceRate = thresholds.bounceRate ?? defaultBounceRate;
    const complaintRate = thresholds.complaintRate ?? defaultComplaintRate;
    this.reputationAlarms = [
      this.addAlarm('BounceRate', {
        metric: sesReputation('BounceRate'),
        threshold: bounceRate,
        description:
          `The SES account's bounce rate is at least ${percent(bounceRate)} (SES reviews the account at 5 % ` +
          'and may pause sending at 10 %). Stop bulk sends, look at the recent bounces (the Bounces metric, ' +
          'the feedback function logs) for a bad import or list, and remove those addresses.',
        // SES publishes the rate only from time to time and it does not recover while no data comes:
        // a missing point says nothing, so the alarm keeps its state.
        missing: TreatMissingData.IGNORE,
      }),
      this.addAlarm('ComplaintRate', {
        metric: sesReputation('ComplaintRate'),
        threshold: complaintRate,
        description:
          `The SES account's complaint rate is at least ${percent(complaintRate)} (SES reviews the account ` +
          'at 0.1 % and may pause sending at 0.5 %). Readers mark Tidings mail as spam: check which sends ' +
          'caused it (Complaints metric), that unsubscribe links work, and pause the offending list.',
        missing: TreatMissingData.IGNORE,
      }),
    ];
    if (props.reputationTopic) {
      const guard = new SnsAction(props.reputationTopic);
      for (const alarm of this.reputationAlarms) alarm.addAlarmAction(guard);
    }

    this.addAlarm('SesSendThrottles', {
      metric: tidingsMetric('SendThrottles', Stats.SUM),
      threshold: thresholds.sendThrottles ?? 1,
      description:
        "SES refused sends as throttled (over the account's maximum send rate). The send function retries " +
        'them, but mail is late: lower tidings:maxSendRate or ask AWS for a higher SES sending quota.',
      // Written only by invocations that send; no data means nothing was throttled.
      missing: TreatMissingData.NOT_BREACHING,
    });

    const requests = props.stage.metricCount({ period: fiveMinutes, statistic: Stats.SUM });
    const serverErrors = props.stage.metricServerError({ period: fiveMinutes });
    const serverErrorPercent = new MathExpression({
      expression: '100 * errors / requests',
      usingMetrics: { errors: serverErrors, requests },
      label: 'API 5xx (%)',
      period: fiveMinutes,
    });
    const apiServerErrorPercent = thresholds.apiServerErrorPercent ?? 5;
    this.addAlarm('ApiServerErrors', {
      metric: serverErrorPercent,
      threshold: apiServerErrorPercent,
      description:
        `At least ${apiServerErrorPercent} % of API requests in 5 minutes were answered 5xx: a function ` +
        'failed or answered 500 (find the correlation id in its log), or a function timed out behind the API.',
      // No requests, no failing requests.
      missing: TreatMissingData.NOT_BREACHING,
    });

    let tooManyRequests: Metric | undefined;
    if (props.accessLogs) {
      tooManyRequests = new MetricFilter(this, 'ApiTooManyRequestsFilter', {
        logGroup: props.accessLogs,
        // The access log's `status` is text: "429".
        filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
        metricNamespace: metricsNamespace,
        metricName: 'ApiTooManyRequests',
        metricValue: '1',
      }).metric({ period: fiveMinutes, statistic: Stats.SUM });
      const apiTooManyRequests = thresholds.apiTooManyRequests ?? 20;
      this.addAlarm('ApiThrottled', {
        metric: tooManyRequests,
        threshold: apiTooManyRequests,
        description:
          `At least ${apiTooManyRequests} API requests in 5 minutes were answered 429: the stage's rate or ` +
          'burst limit, or the per-IP subscribe limit, turned callers away. Check the access log for the IPs ' +
          'and routes; a flood calls for a WAF rule, real traffic for a higher stage throttle.',
        // The filter writes only when a 429 is logged.
        missing: TreatMissingData.NOT_BREACHING,
      });
    }

    this.dashboard = this.createDashboard(
      props,
      { bounceRate, complaintRate },
      { requests, serverErrors, tooManyRequests },
    );
  }

  private createAlarmTopic(): Topic {
    return cloudWatchTopic(this, { key: 'AlarmKey', topic: 'AlarmTopic' }, 'Tidings alarms');
  }

  private addAlarm(
    id: string,
    spec: { metric: IMetric; threshold: number; description: string; missing: TreatMissingData },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      alarmDescription: spec.description,
      treatMissingData: spec.missing,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }

  private createDashboard(
    props: TidingsMonitoringProps,
    reputation: { bounceRate: number; complaintRate: number },
    api: { requests: IMetric; serverErrors: IMetric; tooManyRequests: IMetric | undefined },
  ): Dashboard {
    const { bounceRate, complaintRate } = reputation;
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    const functions = Object.entries(props.functions);
    const perFunction = (title: string, metricOf: (fn: IFunction, name: string) => IMetric) =>
      new GraphWidget({
        title,
        left: functions.map(([name, fn]) => metricOf(fn, name)),
        width: 8,
      });
    dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# Tidings\nAlarms go to the alarm topic (stack output `AlarmTopicArn`); README "Monitoring and alarms".',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      perFunction('Invocations', (fn, name) => fn.metricInvocations({ label: name, statistic: Stats.SUM })),
      perFunction('Errors', (fn, name) => fn.metricErrors({ label: name, statistic: Stats.SUM })),
      perFunction('Duration p99 (ms)', (fn, name) =>
        fn.metricDuration({ label: name, statistic: Stats.p(99) }),
      ),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Mail sent',
        left: ['AlertsSent', 'DigestsSent', 'ConfirmationsSent'].map((name) =>
          tidingsMetric(name, Stats.SUM),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Bounces, complaints and SES throttles',
        left: ['Bounces', 'Complaints', 'SendThrottles'].map((name) => tidingsMetric(name, Stats.SUM)),
        width: 8,
      }),
      new GraphWidget({
        title: 'Match latency (ms)',
        left: [
          tidingsMetric('MatchLatency', Stats.p(50), 'MatchLatency p50'),
          tidingsMetric('MatchLatency', Stats.p(99), 'MatchLatency p99'),
        ],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'SES reputation (fraction: 0.04 = 4 %)',
        left: [
          sesReputation('BounceRate').with({ label: 'bounce rate (account)' }),
          sesReputation('BounceRate', props.configurationSetName).with({ label: 'bounce rate (Tidings)' }),
        ],
        leftAnnotations: [{ value: bounceRate, label: 'bounce alarm' }],
        // Fifty times smaller than the bounce rate, so on an axis of its own.
        right: [
          sesReputation('ComplaintRate').with({ label: 'complaint rate (account)' }),
          sesReputation('ComplaintRate', props.configurationSetName).with({
            label: 'complaint rate (Tidings)',
          }),
        ],
        rightAnnotations: [{ value: complaintRate, label: 'complaint alarm' }],
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queue depth',
        left: props.deadLetterQueues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ label, statistic: Stats.MAXIMUM }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'API requests, 5xx, 4xx and 429',
        left: [
          api.requests,
          api.serverErrors,
          // 4xx is mostly callers' mistakes (bad tokens, unknown paths): worth seeing, too noisy to alarm on.
          props.stage.metricClientError({ label: '4xx' }),
          ...(api.tooManyRequests ? [api.tooManyRequests] : []),
        ],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          props.stage.metricLatency({ label: 'latency p50', statistic: Stats.p(50) }),
          props.stage.metricLatency({ label: 'latency p99', statistic: Stats.p(99) }),
          props.stage.metricIntegrationLatency({ label: 'integration p99', statistic: Stats.p(99) }),
        ],
        width: 8,
      }),
    );
    return dashboard;
  }
}
