import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type IndexName, tableSchema } from '../table';

/**
 * The stateful heart of Tidings: one table shaped by `tableSchema`. Kept in its own construct so the
 * stateless parts of the stack can be refactored without ever touching the table's logical id.
 */
export interface TidingsTableProps {
  /** RETAIN (the default) keeps the table, with deletion protection, when the stack goes. */
  readonly removalPolicy?: RemovalPolicy;
}

export class TidingsTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: TidingsTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: tableSchema.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(index.projection === 'all'
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      })),
      timeToLiveAttribute: tableSchema.ttlAttribute,
      // Old images cost nothing extra for Lambda triggers, while changing the view type later replaces the
      // stream and restarts every mapping from TRIM_HORIZON (re-sending up to a day of records). MODIFY
      // triggers need the old image to match status transitions rather than every rewrite of an item.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy,
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
    });
  }

  get tableName(): string {
    return this.table.tableName;
  }

  get tableArn(): string {
    return this.table.tableArn;
  }

  /** The stream's ARN (the table always has one: every trigger but HTTP and schedules reads it). */
  get streamArn(): string {
    const arn = this.table.tableStreamArn;
    if (!arn) throw new Error('The Tidings table has no stream.');
    return arn;
  }

  /** The named indexes' ARNs, so grants need no `index/*` wildcard. */
  indexArns(names: readonly IndexName[]): string[] {
    return names.map((name) => `${this.table.tableArn}/index/${name}`);
  }
}
