import { type Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISchedule, IScheduleTarget, ScheduleTargetConfig } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/**
 * An EventBridge Scheduler target allowed to invoke exactly one function. The stock `LambdaInvoke` target
 * also grants every version and alias (`<function arn>:*`); a schedule only calls the unqualified function.
 * An invocation Scheduler cannot hand over (throttled, the function gone) is retried, then goes to
 * `deadLetterQueue`; a run that throws is the function's own asynchronous failure, sent there too (see
 * `Tidings`).
 */
export class InvokeFunctionTarget implements IScheduleTarget {
  constructor(
    private readonly fn: IFunction,
    private readonly deadLetterQueue: IQueue,
    /** A run older than this is stale: the next scheduled one does its work. */
    private readonly maxEventAge: Duration,
  ) {}

  bind(schedule: ISchedule): ScheduleTargetConfig {
    const stack = Stack.of(schedule);
    const role = new Role(schedule, 'TargetRole', {
      // Only schedules of this account's default group may use the role (confused-deputy protection).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }),
    );
    // Scheduler only sends to its dead-letter queue; grantSendMessages would add reading the queue's attributes.
    role.addToPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );
    return {
      arn: this.fn.functionArn,
      role,
      retryPolicy: {
        maximumRetryAttempts: 3,
        maximumEventAgeInSeconds: Math.max(60, this.maxEventAge.toSeconds()),
      },
      deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
    };
  }
}
