import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES, type TableDefinition } from '../functions/common/tables';

export interface DataTablesProps {
  /** RETAIN in production stages: the tables hold channel settings and every order's audit trail. */
  readonly removalPolicy: RemovalPolicy;
}

const attributeType = { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER } as const;

/**
 * The channels and orders tables, with the key schemas of functions/common/tables.ts (the local stack
 * builds the same). On demand, point-in-time recovery, encrypted with the AWS managed key.
 */
export class DataTables extends Construct {
  /** CHANNELS_TABLE */
  readonly channels: dynamodb.Table;
  /** ORDERS_TABLE */
  readonly orders: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    this.channels = this.table('Channels', TABLES.channels, props);
    this.orders = this.table('Orders', TABLES.orders, props);
  }

  private table(id: string, def: TableDefinition, props: DataTablesProps): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: { name: def.partitionKey.name, type: attributeType[def.partitionKey.type] },
      sortKey: def.sortKey && { name: def.sortKey.name, type: attributeType[def.sortKey.type] },
      timeToLiveAttribute: def.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
  }
}
