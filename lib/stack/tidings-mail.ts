import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IPublicHostedZone } from 'aws-cdk-lib/aws-route53';
import {
  ConfigurationSet,
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  MailFromBehaviorOnMxFailure,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { addressOf } from './tidings-props';

export interface TidingsMailProps {
  /** The address Tidings sends from: verified alone (an email identity) when there is no `domain`. */
  readonly senderAddress: string;
  /** The domain Tidings sends from; SES verifies it through the DKIM records it publishes. */
  readonly domain?: string;
  /** The domain's public zone: given, the DKIM and MAIL FROM records are written into it. */
  readonly hostedZone?: IPublicHostedZone;
}

/**
 * Sending through SES: the identity (a domain signed with Easy DKIM, or the one sender address), a
 * configuration set with reputation metrics and SES's suppression of bounced and complaining addresses,
 * whose bounces and complaints go to an SNS topic (for feedback handling), and the one grant that lets a
 * function send.
 */
export class TidingsMail extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly feedbackTopic: Topic;

  constructor(scope: Construct, id: string, props: TidingsMailProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      // Addresses that bounced or complained before are not sent to again, protecting the sender reputation.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const { domain, hostedZone } = props;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: hostedZone
        ? Identity.publicHostedZone(hostedZone)
        : domain
          ? Identity.domain(domain)
          : Identity.email(addressOf(props.senderAddress)),
      configurationSet: this.configurationSet,
      // 2048-bit keys, as Gmail and Yahoo advise bulk senders; SES rotates them itself.
      ...(domain && {
        dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
        // Bounces come back to a subdomain of ours, so SPF aligns with the From domain for DMARC; until its
        // MX record exists SES keeps using its own MAIL FROM rather than refusing to send.
        mailFromDomain: `bounce.${domain}`,
        mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
      }),
    });

    // SES cannot publish to a topic encrypted with the AWS-managed SNS key, whose policy it is not in.
    const feedbackKey = new Key(this, 'FeedbackKey', {
      description: 'Encrypts SES bounce and complaint notifications for Tidings.',
      enableKeyRotation: true,
      // The key only protects messages in flight; once the stack is gone nothing encrypted under it remains.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    feedbackKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.feedbackTopic = new Topic(this, 'FeedbackTopic', {
      displayName: 'Tidings mail feedback',
      masterKey: feedbackKey,
      enforceSSL: true,
    });
    this.configurationSet.addEventDestination('Feedback', {
      destination: EventDestination.snsTopic(this.feedbackTopic),
      // SEND: the event that records a message as sent when its sender died before it could.
      events: [EmailSendingEvent.SEND, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  /** Sending raw mail from the identity through the configuration set, and nothing else. */
  grantSend(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendRawEmail'],
      resourceArns: [this.identity.emailIdentityArn, this.configurationSetArn],
    });
  }
}
