import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISchedule, IScheduleTarget, ScheduleTargetConfig } from 'aws-cdk-lib/aws-scheduler';

/**
 * An EventBridge Scheduler target allowed to invoke exactly one function. The stock `LambdaInvoke` target
 * also grants every version and alias (`<function arn>:*`); a schedule only calls the unqualified function.
 */
export class InvokeFunctionTarget implements IScheduleTarget {
  constructor(private readonly fn: IFunction) {}

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
    return { arn: this.fn.functionArn, role };
  }
}
