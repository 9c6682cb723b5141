import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTION_TIMEOUT_SECONDS } from '../../functions/common/limits';
import type { ChannelSecrets } from '../channel-secrets';
import { HouseFunction } from '../house-function';
import { grantStoreAccess } from '../store-access';
import type { StoreAccess } from '../../functions/common/ports';
import { PORTS } from '../../functions/channel-api/ports';

export interface ChannelApiFunctionProps {
  readonly channelsTable: dynamodb.ITable;
  readonly ordersTable: dynamodb.ITable;
  readonly secrets: ChannelSecrets;
  /** ChannelSettingsChanged goes to this bus (the default bus). */
  readonly eventBus: events.IEventBus;
  /** An OM import that takes an order out of `Unprocessed` sends one re-check message here. */
  readonly orderEventsQueue: sqs.IQueue;
  /** New or changed credentials are tried against BigCommerce before they are saved. */
  readonly bigCommerceApiUrl: string;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** channel-api: the IAM-authorized admin routes (channel settings, OM orders, audit trail). */
export class ChannelApiFunction extends HouseFunction {
  static readonly TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT_SECONDS['channel-api']);
  /** Also what the cost model in bench/ bills per GB-second. */
  static readonly MEMORY_MB = 512;
  /** The port methods its code calls (its deps are typed from the same const). */
  static readonly ACCESS: StoreAccess = PORTS;

  constructor(scope: Construct, id: string, props: ChannelApiFunctionProps) {
    super(scope, id, {
      name: 'channel-api',
      description: 'Admin API: channel settings, OM order import and the per-order audit trail',
      memorySize: ChannelApiFunction.MEMORY_MB,
      timeout: ChannelApiFunction.TIMEOUT,
      logRemovalPolicy: props.logRemovalPolicy,
      environment: {
        CHANNELS_TABLE: props.channelsTable.tableName,
        ORDERS_TABLE: props.ordersTable.tableName,
        SECRET_NAME_PREFIX: props.secrets.prefix,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        ORDER_EVENTS_QUEUE_URL: props.orderEventsQueue.queueUrl,
        BIGCOMMERCE_API_URL: props.bigCommerceApiUrl,
      },
    });
    grantStoreAccess(this.function, ChannelApiFunction.ACCESS, {
      channels: props.channelsTable,
      orders: props.ordersTable,
      secrets: props.secrets,
      orderEventQueue: props.orderEventsQueue,
    });
    props.eventBus.grantPutEventsTo(this.function);
  }
}
