import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lib/log';
import { type FunctionName, functions, type Trigger } from '../../lib/manifest';
import { createTidingsApp } from '../../lib/stack/tidings-app';
import {
  metricsNamespace,
  metricsService,
  TidingsMonitoring,
  type TidingsMonitoringProps,
} from '../../lib/stack/tidings-monitoring';
import type { TidingsStack } from '../../lib/stack/tidings-stack';

interface AlarmProperties {
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Dimensions?: { Name: string; Value: unknown }[];
  readonly Statistic?: string;
  readonly Period?: number;
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly AlarmDescription?: string;
  readonly TreatMissingData?: string;
  readonly AlarmActions?: unknown[];
  readonly OKActions?: unknown[];
}
interface KeyStatement {
  readonly Effect: string;
  readonly Principal: { Service?: string };
  readonly Action: string | string[];
}

const cdkContext: Record<string, unknown> = JSON.parse(readFileSync('cdk.json', 'utf8')).context;
const names = Object.keys(functions) as FunctionName[];
const triggersOf = (name: FunctionName): readonly Trigger[] => functions[name].triggers;
/**
 * The manifest's failure queues: one per function with stream triggers (its mapping), one per SNS-triggered
 * one, one per scheduled one.
 */
const expectedFailureQueues = (['stream', 'sns', 'schedule'] as const).reduce(
  (count, kind) => count + names.filter((name) => triggersOf(name).some((t) => t.kind === kind)).length,
  0,
);

const outdirs: string[] = [];

/** The real stack, without esbuild: these tests read alarms, not function code. */
function synthStack(context: Record<string, unknown> = {}): { stack: TidingsStack; template: Template } {
  const outdir = mkdtempSync(join(tmpdir(), 'tidings-monitoring-'));
  outdirs.push(outdir);
  const { stack } = createTidingsApp({
    outdir,
    context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [] },
  });
  return { stack, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function alarms(template: Template): AlarmProperties[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (resource) => resource.Properties as AlarmProperties,
  );
}

function alarmsOn(template: Template, namespace: string, metricName: string): AlarmProperties[] {
  return alarms(template).filter((a) => a.Namespace === namespace && a.MetricName === metricName);
}

let stack: TidingsStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = synthStack());
});

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('the alarms of the Tidings stack', () => {
  it('watch every failure queue the stack creates, one alarm each, from the first parked message', () => {
    expect(stack.failureQueues).toHaveLength(expectedFailureQueues);
    expect(expectedFailureQueues).toBeGreaterThan(0);
    template.resourceCountIs('AWS::SQS::Queue', expectedFailureQueues);
    const depth = alarmsOn(template, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    expect(depth).toHaveLength(expectedFailureQueues);
    for (const { queue, label } of stack.failureQueues) {
      const watching = depth.filter((a) =>
        a.Dimensions?.some(
          (d) =>
            d.Name === 'QueueName' &&
            JSON.stringify(d.Value) ===
              JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, queue), 'QueueName'] }),
        ),
      );
      expect(watching, label).toHaveLength(1);
      expect(watching[0], label).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Maximum',
        TreatMissingData: 'notBreaching',
      });
      expect(watching[0]?.AlarmDescription, label).toContain(label);
    }
  });

  it('give every manifest function an Errors alarm and a Throttles alarm, summed over 5 minutes', () => {
    for (const metricName of ['Errors', 'Throttles']) {
      const onFunctions = alarmsOn(template, 'AWS/Lambda', metricName);
      expect(onFunctions, metricName).toHaveLength(names.length);
      for (const name of names) {
        const functionRef = { Ref: logicalId(stack, stack.functions[name]) };
        const mine = onFunctions.filter((a) =>
          a.Dimensions?.some(
            (d) => d.Name === 'FunctionName' && JSON.stringify(d.Value) === JSON.stringify(functionRef),
          ),
        );
        expect(mine, `${name} ${metricName}`).toHaveLength(1);
        expect(mine[0], `${name} ${metricName}`).toMatchObject({
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Statistic: 'Sum',
          Period: 300,
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('warn at 4 % bounces and 0.08 % complaints, below the SES review thresholds, on the account-wide metrics', () => {
    const expected = [
      ['Reputation.BounceRate', 0.04],
      ['Reputation.ComplaintRate', 0.0008],
    ] as const;
    for (const [metricName, threshold] of expected) {
      const reputation = alarmsOn(template, 'AWS/SES', metricName);
      expect(reputation, metricName).toHaveLength(1);
      expect(reputation[0], metricName).toMatchObject({
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Maximum',
        TreatMissingData: 'ignore',
      });
      // SES reviews the account, not a configuration set: the alarm must read the account-level series.
      expect(reputation[0]?.Dimensions, metricName).toBeUndefined();
    }
    expect(stack.monitoring.reputationAlarms).toHaveLength(2);
  });

  it('watch the send throttles the send function writes, with the service dimension its metrics carry', () => {
    const throttles = alarmsOn(template, metricsNamespace, 'SendThrottles');
    expect(throttles).toHaveLength(1);
    expect(throttles[0]?.Dimensions).toEqual([{ Name: 'service', Value: metricsService }]);
    expect(metricsNamespace).toBe('Tidings');
  });

  it('watch the API for 5xx as a share of requests and for throttled (429) requests from the access log', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * errors / requests' }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5xx' }) }),
        }),
        Match.objectLike({
          Id: 'requests',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Count' }) }),
        }),
      ]),
      Threshold: 5,
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalId(stack, stack.accessLogs) },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        Match.objectLike({ MetricNamespace: 'Tidings', MetricName: 'ApiTooManyRequests' }),
      ],
    });
    expect(alarmsOn(template, 'Tidings', 'ApiTooManyRequests')).toHaveLength(1);
    // 4xx is a dashboard line only.
    expect(alarmsOn(template, 'AWS/ApiGateway', '4xx')).toEqual([]);
  });

  it('all tell the alarm topic on ALARM and on OK, and each says what it means', () => {
    const topicRef = { Ref: logicalId(stack, stack.monitoring.alarmTopic) };
    const all = alarms(template);
    expect(all).toHaveLength(stack.monitoring.alarms.length);
    expect(all.length).toBe(2 * names.length + expectedFailureQueues + 5);
    // The reputation alarms also tell the reputation function's topic, on ALARM only: it pauses digests.
    const reputationRef = { Ref: logicalId(stack, stack.topics.reputationAlarms) };
    const reputationMetrics = ['Reputation.BounceRate', 'Reputation.ComplaintRate'];
    for (const alarm of all) {
      const guarded = reputationMetrics.includes(alarm.MetricName ?? '');
      expect(alarm.AlarmActions).toEqual(guarded ? [topicRef, reputationRef] : [topicRef]);
      expect(alarm.OKActions).toEqual([topicRef]);
      expect(alarm.AlarmDescription?.length ?? 0).toBeGreaterThan(60);
      expect(alarm.TreatMissingData).toMatch(/^(notBreaching|ignore)$/);
    }
  });
});

describe('the alarm topic', () => {
  it("and the reputation topic both take this account's alarms, under a key CloudWatch may use", () => {
    for (const topic of [stack.monitoring.alarmTopic, stack.topics.reputationAlarms]) {
      const ref = { Ref: logicalId(stack, topic) };
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [ref],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: Match.objectLike({
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              }),
            }),
          ]),
        },
      });
    }
  });

  it('is encrypted with its own key, which CloudWatch may use, and takes only TLS and this account’s alarms', () => {
    const { alarmTopic } = stack.monitoring;
    const keyId = logicalId(stack, alarmTopic.masterKey as unknown as IConstruct);
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Tidings alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    const key = template.findResources('AWS::KMS::Key')[keyId];
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    const statements = key?.Properties.KeyPolicy.Statement as KeyStatement[];
    const forCloudWatch = statements.find((s) => s.Principal.Service === 'cloudwatch.amazonaws.com');
    expect(forCloudWatch?.Effect).toBe('Allow');
    expect(forCloudWatch?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));

    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: logicalId(stack, alarmTopic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('has no subscription unless tidings:alarmEmail is set, and then one email subscription to it', () => {
    expect(
      Object.keys(template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } })),
    ).toEqual([]);
    const withEmail = synthStack({ 'tidings:alarmEmail': 'ops@example.com' });
    withEmail.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 1);
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalId(withEmail.stack, withEmail.stack.monitoring.alarmTopic) },
    });
  });

  it('and the dashboard are named in the stack outputs', () => {
    template.hasOutput('AlarmTopicArn', { Value: { Ref: logicalId(stack, stack.monitoring.alarmTopic) } });
    template.hasOutput('DashboardName', { Value: { Ref: logicalId(stack, stack.monitoring.dashboard) } });
  });
});

describe('the dashboard', () => {
  it('shows every function, the queues, the mail metrics, SES reputation and the API', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of [
      'AlertsSent',
      'DigestsSent',
      'ConfirmationsSent',
      'Bounces',
      'Complaints',
      'SendThrottles',
      'MatchLatency',
      'Reputation.BounceRate',
      'Reputation.ComplaintRate',
      'ApproximateNumberOfMessagesVisible',
      'Invocations',
      'Duration',
      'Latency',
      '5xx',
      '4xx',
    ]) {
      expect(body, metric).toContain(metric);
    }
    for (const name of names) expect(body, name).toContain(logicalId(stack, stack.functions[name]));
    expect(body).toContain('p99');
  });
});

describe('the metrics service name', () => {
  it('is the one the functions’ logger writes, which their Powertools Metrics are to share', () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      logger.error('service name probe');
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const probe = lines.map((line) => JSON.parse(line) as { message: string; service: string });
    expect(probe.find((entry) => entry.message === 'service name probe')?.service).toBe(metricsService);
  });
});

describe('TidingsMonitoring on its own', () => {
  /** The construct over two inline functions in a stack of its own; `extra` adds props built in that stack. */
  function tinyStack(extra: (stack: Stack) => Partial<TidingsMonitoringProps> = () => ({})) {
    const small = new Stack(new App(), 'Small');
    const fn = (id: string) =>
      new LambdaFunction(small, id, {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => {};'),
      });
    const stage = new HttpApi(small, 'Api').defaultStage;
    if (!stage) throw new Error('The HTTP API has no default stage.');
    const monitoring = new TidingsMonitoring(small, 'Monitoring', {
      functions: { one: fn('One'), two: fn('Two') },
      deadLetterQueues: [
        {
          label: 'the one function',
          queue: new Queue(small, 'Dlq', { encryption: QueueEncryption.SQS_MANAGED }),
        },
      ],
      configurationSetName: 'tidings-set',
      stage,
      ...extra(small),
    });
    return { small, monitoring, template: Template.fromStack(small) };
  }

  it('sends the reputation alarms, and only those, to the reputation topic too', () => {
    const guardArn = 'arn:aws:sns:eu-west-1:111122223333:reputation';
    const {
      small,
      monitoring,
      template: own,
    } = tinyStack((scope) => ({
      reputationTopic: Topic.fromTopicArn(scope, 'Guard', guardArn),
    }));
    const topicRef = { Ref: logicalId(small, monitoring.alarmTopic) };
    expect(alarmsOn(own, 'AWS/SES', 'Reputation.BounceRate')).toHaveLength(1);
    for (const alarm of alarms(own)) {
      const isReputation = alarm.Namespace === 'AWS/SES';
      expect(alarm.AlarmActions, alarm.MetricName).toEqual(isReputation ? [topicRef, guardArn] : [topicRef]);
      expect(alarm.OKActions, alarm.MetricName).toEqual([topicRef]);
    }
  });

  it('takes other thresholds, and has no throttling alarm without an access log', () => {
    const { template: own } = tinyStack(() => ({ thresholds: { bounceRate: 0.02, complaintRate: 0.0005 } }));
    expect(alarmsOn(own, 'AWS/SES', 'Reputation.BounceRate')[0]?.Threshold).toBe(0.02);
    expect(alarmsOn(own, 'AWS/SES', 'Reputation.ComplaintRate')[0]?.Threshold).toBe(0.0005);
    own.resourceCountIs('AWS::Logs::MetricFilter', 0);
    // Errors and Throttles of two functions, one queue, two reputation, send throttles, API 5xx.
    expect(alarms(own)).toHaveLength(2 * 2 + 1 + 2 + 1 + 1);
  });

  it('passes cdk-nag with an email subscription and an access log', () => {
    const { monitoring } = tinyStack((scope) => ({
      alarmEmail: 'ops@example.com',
      accessLogs: new LogGroup(scope, 'AccessLogs'),
    }));
    expect(new AwsSolutionsChecks().validateScope(monitoring).violations).toEqual([]);
  });
});
