import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ChannelSecrets } from '../channel-secrets';
import { HouseFunction } from '../house-function';
import { grantChannelStore, grantOrderEventQueue, type StoreAccess } from '../store-access';

export interface WebhookIngestFunctionProps {
  readonly channelsTable: dynamodb.ITable;
  readonly orderEventsQueue: sqs.IQueue;
  readonly secrets: ChannelSecrets;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * webhook-ingest: authenticates, validates and enqueues BigCommerce callbacks (public route). It must
 * answer fast, so it may only read a channel (and its secret) and send one message to the queue.
 */
export class WebhookIngestFunction extends HouseFunction {
  static readonly TIMEOUT = Duration.seconds(10);
  static readonly ACCESS: StoreAccess = {
    // recordDeliveryException: BigCommerce's delivery exceptions are recorded on the channel.
    channels: ['get', 'recordDeliveryException'],
    orders: [],
    secrets: ['get'],
    orderEventQueue: ['send'],
  };

  constructor(scope: Construct, id: string, props: WebhookIngestFunctionProps) {
    super(scope, id, {
      name: 'webhook-ingest',
      description: 'Authenticates BigCommerce webhooks and enqueues them as order events',
      // More memory means more CPU: a shorter cold start on the path BigCommerce times.
      memorySize: 512,
      timeout: WebhookIngestFunction.TIMEOUT,
      logRemovalPolicy: props.logRemovalPolicy,
      environment: {
        CHANNELS_TABLE: props.channelsTable.tableName,
        SECRET_NAME_PREFIX: props.secrets.prefix,
        ORDER_EVENTS_QUEUE_URL: props.orderEventsQueue.queueUrl,
      },
    });
    const access = WebhookIngestFunction.ACCESS;
    grantChannelStore(props.channelsTable, this.function, access.channels);
    props.secrets.grant(this.function, access.secrets);
    grantOrderEventQueue(props.orderEventsQueue, this.function, access.orderEventQueue);
  }
}
