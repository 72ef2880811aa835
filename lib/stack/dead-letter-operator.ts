import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { dlqCommandAccess } from '../command-access';
import { functions } from '../manifest';
import { tableStatements } from './table-access';
import type { TidingsFunction } from './tidings-function';
import type { TidingsTable } from './tidings-table';

export interface DeadLetterOperatorProps {
  readonly table: TidingsTable;
  readonly failureQueues: readonly IQueue[];
  readonly functions: Readonly<Record<string, TidingsFunction>>;
}

/**
 * The functions a replay may run: fan-out (a chunk), those SNS triggers (a feedback event) and the scheduled
 * ones (a failed run). The send and match functions are reached through the table, never invoked.
 */
export function replayedFunctions(): string[] {
  return Object.entries(functions)
    .filter(
      ([name, fn]) => name === 'fanout' || fn.triggers.some((t) => t.kind === 'sns' || t.kind === 'schedule'),
    )
    .map(([name]) => name);
}

/**
 * A managed policy with exactly what `npx tidings dlq list|replay` needs on AWS, for the operator's role
 * (the stack output `DeadLetterOperatorPolicyArn`): read and settle the failure queues, read the stream a
 * pointer names, the table items of `dlqCommandAccess` on their partitions only, and invoke the functions a
 * replay runs. Nothing with a wildcard resource.
 */
export class DeadLetterOperator extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: DeadLetterOperatorProps) {
    super(scope, id);
    const { table } = props;
    const statements = [
      new PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
        resources: props.failureQueues.map((queue) => queue.queueArn),
      }),
      new PolicyStatement({
        actions: ['dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
        resources: [table.streamArn],
      }),
      ...tableStatements(dlqCommandAccess).map(
        (statement) =>
          new PolicyStatement({
            actions: [...statement.actions],
            resources: [table.tableArn],
            ...(statement.leadingKeys && {
              conditions: {
                'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...statement.leadingKeys] },
              },
            }),
          }),
      ),
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: replayedFunctions().flatMap((name) => props.functions[name]?.functionArn ?? []),
      }),
    ];
    this.policy = new ManagedPolicy(this, 'Policy', {
      description:
        'What npx tidings dlq list and replay need: attach it to the operator role that runs them.',
      statements,
    });
  }
}
