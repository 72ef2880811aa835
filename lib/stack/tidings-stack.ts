import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { PublicHostedZone } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { contextNamer, type StackSettings } from './stack-settings';
import { Tidings } from './tidings';

export interface TidingsStackProps extends StackProps {
  readonly settings: StackSettings;
}

/**
 * The deployable stack of this project: one `Tidings`, its settings read from CDK context (hosted zone and
 * certificate imported by the ids the context names), and the outputs an operator needs after deploying.
 */
export class TidingsStack extends Stack {
  readonly tidings: Tidings;

  constructor(scope: Construct, id: string, props: TidingsStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { domain } = settings.tidings;
    const hostedZone =
      settings.hostedZoneId !== undefined && domain !== undefined
        ? PublicHostedZone.fromPublicHostedZoneAttributes(this, 'HostedZone', {
            hostedZoneId: settings.hostedZoneId,
            zoneName: domain,
          })
        : undefined;
    const customDomain = settings.apiDomain && {
      domainName: settings.apiDomain.domainName,
      certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', settings.apiDomain.certificateArn),
    };
    this.tidings = new Tidings(this, 'Tidings', {
      ...settings.tidings,
      ...(hostedZone && { hostedZone }),
      ...(customDomain && { customDomain }),
      settingNames: contextNamer,
    });
    const { tidings } = this;

    new CfnOutput(this, 'ApiUrl', { value: tidings.stage.url, description: 'Base URL of the HTTP API.' });
    new CfnOutput(this, 'PublicUrl', {
      value: tidings.publicUrl,
      description: 'Base URL of the links in emails.',
    });
    if (tidings.http.domainName) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: tidings.http.domainName.regionalDomainName,
        description: 'Point a CNAME (or alias) for the custom API domain at this name.',
      });
    }
    new CfnOutput(this, 'TableName', { value: tidings.table.tableName });
    if (tidings.secrets.ingestKey) {
      new CfnOutput(this, 'IngestKeySecretArn', {
        value: tidings.secrets.ingestKey.secretArn,
        description: 'Holds the Bearer key the publisher sends to POST /articles.',
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      value: tidings.monitoring.alarmTopic.topicArn,
      description: 'Every Tidings alarm notifies this topic; subscribe to it, or set tidings:alarmEmail.',
    });
    new CfnOutput(this, 'DashboardName', {
      value: tidings.monitoring.dashboard.dashboardName,
      description: 'The CloudWatch dashboard of functions, queues, mail, SES reputation and the API.',
    });
    new CfnOutput(this, 'FailureQueueUrls', {
      value: tidings.failureQueues.map(({ queue }) => queue.queueUrl).join(','),
      description: 'The dead-letter queues, for TIDINGS_DLQ_URLS (npx tidings dlq list).',
    });
    new CfnOutput(this, 'DeadLetterOperatorPolicyArn', {
      value: tidings.deadLetterOperatorPolicy.managedPolicyArn,
      description: 'Attach to the role that runs npx tidings dlq list / replay: exactly what they need.',
    });
  }

  // The parts, as the tests and tools reach them.
  get table() {
    return this.tidings.table;
  }
  get mail() {
    return this.tidings.mail;
  }
  get api() {
    return this.tidings.api;
  }
  get stage() {
    return this.tidings.stage;
  }
  get secrets() {
    return this.tidings.secrets;
  }
  get topics() {
    return this.tidings.topics;
  }
  get functions() {
    return this.tidings.functions;
  }
  get monitoring() {
    return this.tidings.monitoring;
  }
  get accessLogs() {
    return this.tidings.http.accessLogs;
  }
  get failureQueues() {
    return this.tidings.failureQueues;
  }
}
