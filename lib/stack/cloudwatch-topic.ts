import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * An SNS topic CloudWatch alarms of this account can publish to: encrypted with a key of its own (CloudWatch
 * cannot use the AWS-managed SNS key, whose policy it is not in), TLS only, and a topic policy that admits
 * this account's alarms (the policy `enforceSSL` creates replaces SNS's default one).
 */
export function cloudWatchTopic(
  scope: Construct,
  ids: { readonly key: string; readonly topic: string },
  displayName: string,
): Topic {
  const stack = Stack.of(scope);
  const key = new Key(scope, ids.key, {
    description: `Encrypts the notifications of the topic "${displayName}".`,
    enableKeyRotation: true,
    // It protects messages in flight only; once the stack is gone nothing encrypted under it remains.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  // As AWS documents it for alarms, without conditions: CloudWatch can only use the key by publishing to
  // the topic, and the topic policy below admits only this account's alarms.
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
    }),
  );
  const topic = new Topic(scope, ids.topic, { displayName, masterKey: key, enforceSSL: true });
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }),
  );
  return topic;
}
