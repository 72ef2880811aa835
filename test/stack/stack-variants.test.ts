import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { type FunctionName, functions } from '../../lib/manifest';
import { createTidingsApp } from '../../lib/stack/tidings-app';
import type { TidingsStack } from '../../lib/stack/tidings-stack';

const cdkContext: Record<string, unknown> = JSON.parse(readFileSync('cdk.json', 'utf8')).context;
const names = Object.keys(functions) as FunctionName[];
const storesArticles = (name: FunctionName) =>
  (functions[name].table as { create?: readonly string[] }).create?.includes('article') ?? false;

/** The stack as synthesized from `context` on top of cdk.json's, without bundling any code. */
function synth(context: Record<string, unknown>, extend?: (stack: TidingsStack) => void) {
  const outdir = mkdtempSync(join(tmpdir(), 'tidings-cdk-'));
  try {
    const { stack } = createTidingsApp({
      outdir,
      context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [] },
    });
    extend?.(stack);
    const template = Template.fromStack(stack);
    const resources = template.findResources('AWS::Lambda::Function');
    const environment = Object.fromEntries(
      names.map((name) => [
        name,
        resources[stack.getLogicalId(stack.functions[name].node.defaultChild as CfnElement)]?.Properties
          .Environment.Variables,
      ]),
    ) as Record<FunctionName, Record<string, unknown>>;
    return { stack, template, environment };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the ingest settings', () => {
  it('reach the functions that store articles from context, and are absent unless set', () => {
    for (const variables of Object.values(synth({}).environment)) {
      expect(variables).not.toHaveProperty('TIDINGS_SOURCE_TIMEZONES');
      expect(variables).not.toHaveProperty('TIDINGS_ARTICLE_RETENTION_DAYS');
    }
    const { environment } = synth({
      'tidings:sourceTimezones': { AFP: 'Europe/Paris', Reuters: 'Europe/London' },
      'tidings:articleRetentionDays': 30,
    });
    // Posted stories and polled feed items are stored alike: both read the zones and the retention.
    expect(names.filter(storesArticles).sort()).toEqual(['ingest', 'poll']);
    for (const name of names) {
      const variables = environment[name];
      if (!storesArticles(name)) {
        expect(variables, name).not.toHaveProperty('TIDINGS_SOURCE_TIMEZONES');
        expect(variables, name).not.toHaveProperty('TIDINGS_ARTICLE_RETENTION_DAYS');
        continue;
      }
      expect(variables, name).toMatchObject({
        TIDINGS_SOURCE_TIMEZONES: '{"afp":"Europe/Paris","reuters":"Europe/London"}',
        TIDINGS_ARTICLE_RETENTION_DAYS: '30',
      });
      // What the function reads back at its cold start.
      const config = loadConfig({
        TABLE_NAME: 't',
        TIDINGS_PUBLIC_URL: 'https://news.example.org',
        MAIL_FROM: 'alerts@news.example.org',
        TIDINGS_SOURCE_TIMEZONES: String(variables?.TIDINGS_SOURCE_TIMEZONES),
        TIDINGS_ARTICLE_RETENTION_DAYS: String(variables?.TIDINGS_ARTICLE_RETENTION_DAYS),
      });
      expect(config.sourceTimezones.get('reuters')).toBe('Europe/London');
      expect(config.articleRetentionDays).toBe(30);
    }
  });
});

describe('ingest authentication', () => {
  const ingestRoutes = [
    'POST /articles',
    'POST /feeds',
    'GET /feeds',
    'HEAD /feeds',
    'POST /feeds/{id}/resume',
  ];

  it('is the Bearer key from Secrets Manager by default, with no authorizer on any route', () => {
    const { template, environment } = synth({});
    const authorizations = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.AuthorizationType ?? 'NONE',
    );
    expect(new Set(authorizations)).toEqual(new Set(['NONE']));
    expect(environment.ingest).toHaveProperty('INGEST_KEY_SECRET_ARN');
    expect(environment.ingest).not.toHaveProperty('TIDINGS_INGEST_AUTH');
  });

  it('under iam, puts SigV4 on exactly the publisher routes, creates no key, and grants callers only those', () => {
    const publisher: { role?: Role } = {};
    const { template, environment, stack } = synth({ 'tidings:ingestAuth': 'iam' }, (s) => {
      publisher.role = new Role(s, 'Publisher', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      s.tidings.grantIngest(publisher.role);
    });
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const signed = Object.values(routes)
      .filter((r) => r.Properties.AuthorizationType === 'AWS_IAM')
      .map((r) => r.Properties.RouteKey)
      .sort();
    expect(signed).toEqual([...ingestRoutes].sort());
    expect(Object.keys(routes).length).toBeGreaterThan(signed.length);
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    for (const name of ['ingest', 'feeds'] as const) {
      expect(environment[name], name).toMatchObject({ TIDINGS_INGEST_AUTH: 'iam' });
      expect(environment[name], name).not.toHaveProperty('INGEST_KEY_SECRET_ARN');
    }
    expect(stack.secrets.ingestKey).toBeUndefined();
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      p.Properties.Roles.some(
        (r: { Ref: string }) => r.Ref === stack.getLogicalId(publisher.role?.node.defaultChild as CfnElement),
      ),
    );
    const invoke = JSON.stringify(policies.flatMap((p) => p.Properties.PolicyDocument.Statement));
    expect(invoke).toContain('execute-api:Invoke');
    for (const path of ['/$default/POST/articles', '/$default/GET/feeds', '/$default/POST/feeds/*/resume']) {
      expect(invoke, path).toContain(path);
    }
    expect(invoke).not.toContain('/subscriptions');
  });

  it('replaces the key when its generation is raised', () => {
    const first = synth({}).template.findResources('AWS::SecretsManager::Secret');
    const second = synth({ 'tidings:ingestKeyGeneration': 2 }).template.findResources(
      'AWS::SecretsManager::Secret',
    );
    const ingestKeyIds = (secrets: Record<string, unknown>) =>
      Object.keys(secrets).filter((id) => id.includes('IngestKey'));
    expect(ingestKeyIds(first)).toHaveLength(1);
    expect(ingestKeyIds(second)).toHaveLength(1);
    expect(ingestKeyIds(second)).not.toEqual(ingestKeyIds(first));
    // The table's keys never change with it.
    const kept = (secrets: Record<string, unknown>) =>
      Object.keys(secrets).filter((id) => !id.includes('IngestKey'));
    expect(kept(second)).toEqual(kept(first));
  });
});

describe('state and removal', () => {
  it('retains the table, the two keys and the logs by default, and deletes them only with the dev flag', () => {
    const kept = synth({}).template;
    kept.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    for (const [, secret] of Object.entries(kept.findResources('AWS::SecretsManager::Secret'))) {
      if (!JSON.stringify(secret).includes('Bearer key')) expect(secret.DeletionPolicy).toBe('Retain');
    }
    kept.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });

    const dev = synth({ 'tidings:development': true }).template;
    dev.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
    dev.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    dev.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  it('keeps the table at the same logical id whatever else changes', () => {
    const tableId = (template: Template) => Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    const base = tableId(synth({}).template);
    expect(base).toHaveLength(1);
    expect(tableId(synth({ 'tidings:ingestAuth': 'iam', 'tidings:digestEveryMinutes': 5 }).template)).toEqual(
      base,
    );
  });
});

describe('mail identity', () => {
  it('verifies the domain with 2048-bit Easy DKIM and a MAIL FROM subdomain', () => {
    synth({}).template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: { MailFromDomain: 'bounce.example.com', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
  });

  it('verifies just the sender address when no domain is given', () => {
    const { template } = synth({ 'tidings:domain': undefined });
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'alerts@example.com',
      DkimSigningAttributes: Match.absent(),
    });
  });

  it('publishes the DKIM records into the hosted zone when one is named', () => {
    synth({ 'tidings:hostedZoneId': 'Z0123456789ABC' }).template.resourceCountIs(
      'AWS::Route53::RecordSet',
      3 + 2,
    );
  });

  it('keeps bounces and complaints suppressed by SES itself and sends them, and Send events, to the feedback topic', () => {
    const { template } = synth({});
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ MatchingEventTypes: ['send', 'bounce', 'complaint'] }),
    });
  });
});

describe('the HTTP API', () => {
  it('allows no cross-origin calls unless origins are configured, then exactly those', () => {
    synth({}).template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    synth({ 'tidings:allowedOrigins': 'https://news.example.com' }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Api',
      {
        CorsConfiguration: Match.objectLike({
          AllowOrigins: ['https://news.example.com'],
          AllowMethods: ['GET', 'HEAD', 'POST'],
        }),
      },
    );
  });

  it('throttles the stage at the configured rate', () => {
    synth({ 'tidings:apiRateLimit': 20, 'tidings:apiBurstLimit': 40 }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Stage',
      { DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }) },
    );
  });

  it('serves a custom domain, and the links in emails use it', () => {
    const { template, environment } = synth({
      'tidings:apiDomain': 'api.example.com',
      'tidings:apiCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'api.example.com' });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    expect(environment.send).toMatchObject({ TIDINGS_PUBLIC_URL: 'https://api.example.com' });
  });
});

describe('schedules', () => {
  it('run the digest and the feed poll at the configured rates', () => {
    const { template } = synth({ 'tidings:digestEveryMinutes': 5, 'tidings:feedPollEveryMinutes': 30 });
    const expressions = Object.values(template.findResources('AWS::Scheduler::Schedule')).map(
      (s) => s.Properties.ScheduleExpression,
    );
    expect(expressions).toContain('rate(5 minutes)');
    expect(expressions).toContain('rate(30 minutes)');
  });
});

describe('the dead-letter operator policy', () => {
  const { stack, template } = synth({});
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as {
    Properties: {
      Roles?: unknown;
      PolicyDocument: {
        Statement: { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> }[];
      };
    };
  }[];
  const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
  const actions = (s: { Action: string | string[] }) => [s.Action].flat();
  const statementWith = (action: string) => {
    const found = statements.filter((s) => actions(s).includes(action));
    expect(found, action).toHaveLength(1);
    return found[0] as (typeof statements)[number];
  };
  const refs = (resource: unknown) => [resource].flat().map((r) => JSON.stringify(r));

  it('is one managed policy, attached to no role, and published for the operator', () => {
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.Roles).toBeUndefined();
    template.hasOutput('DeadLetterOperatorPolicyArn', { Value: { Ref: Match.anyValue() } });
  });

  it('reads and settles every failure queue, and no other queue', () => {
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBe(stack.tidings.failureQueues.length);
    const sqs = statementWith('sqs:ReceiveMessage');
    expect(actions(sqs).sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:ReceiveMessage',
    ]);
    expect(refs(sqs.Resource).sort()).toEqual(
      queues.map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })).sort(),
    );
  });

  it('reads the table stream, and may touch only articles and subscribers’ deliveries', () => {
    const stream = statementWith('dynamodb:GetRecords');
    expect(actions(stream).sort()).toEqual(['dynamodb:GetRecords', 'dynamodb:GetShardIterator']);
    const tableId = idOf(stack.table.table);
    expect(refs(stream.Resource)).toEqual([JSON.stringify({ 'Fn::GetAtt': [tableId, 'StreamArn'] })]);
    const update = statementWith('dynamodb:UpdateItem');
    expect(actions(update)).toEqual(['dynamodb:UpdateItem']);
    expect(update.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ARTICLE#*', 'SUB#*'] },
    });
    expect(statements.flatMap(actions)).not.toContain('dynamodb:Scan');
    expect(statements.flatMap(actions)).not.toContain('dynamodb:DeleteItem');
    expect(statements.flatMap(actions)).not.toContain('dynamodb:PutItem');
  });

  it('invokes exactly the functions a replay runs: fan-out, the SNS-triggered and the scheduled ones', () => {
    const invoke = statementWith('lambda:InvokeFunction');
    const replayed = names.filter(
      (name) =>
        name === 'fanout' ||
        (functions[name].triggers as readonly { kind: string }[]).some(
          (t) => t.kind === 'sns' || t.kind === 'schedule',
        ),
    );
    expect(replayed).toEqual(expect.arrayContaining(['fanout', 'feedback', 'digest', 'sweep']));
    expect(replayed).not.toContain('send');
    expect(refs(invoke.Resource).sort()).toEqual(
      replayed.map((name) => JSON.stringify({ 'Fn::GetAtt': [idOf(stack.functions[name]), 'Arn'] })).sort(),
    );
  });

  it('names no resource with a wildcard', () => {
    expect(JSON.stringify(statements.map((s) => s.Resource))).not.toContain('*');
  });
});
