import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FUNCTION_TIMEOUT_SECONDS } from '../../functions/common/limits';
import { HouseFunction, type HouseResources } from '../house-function';
import { grantChannelStore, grantOrderEventQueue, type StoreAccess } from '../store-access';

export type WebhookIngestFunctionProps = Pick<
  HouseResources,
  'channelsTable' | 'orderEventsQueue' | 'secrets' | 'logRemovalPolicy'
>;

/**
 * webhook-ingest: authenticates, validates and enqueues BigCommerce callbacks (public route). It must
 * answer fast, so it may only read a channel (and its secret) and send one message to the queue.
 */
export class WebhookIngestFunction extends HouseFunction {
  static readonly TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT_SECONDS['webhook-ingest']);
  /** Also what the cost model in bench/ bills per GB-second. */
  static readonly MEMORY_MB = 512;
  static readonly ACCESS: StoreAccess = {
    // recordDeliveryException: BigCommerce's delivery exceptions are recorded on the channel.
    channels: ['get', 'recordDeliveryException'],
    orders: [],
    // Token and client secret only: never a store's API access token.
    secrets: ['getWebhookAuth'],
    orderEventQueue: ['send'],
  };

  constructor(scope: Construct, id: string, props: WebhookIngestFunctionProps) {
    super(scope, id, {
      name: 'webhook-ingest',
      description: 'Authenticates BigCommerce webhooks and enqueues them as order events',
      // More memory means more CPU: a shorter cold start on the path BigCommerce times.
      memorySize: WebhookIngestFunction.MEMORY_MB,
      timeout: WebhookIngestFunction.TIMEOUT,
      logRemovalPolicy: props.logRemovalPolicy,
      environment: {
        CHANNELS_TABLE: props.channelsTable.tableName,
        SECRET_NAME_PREFIX: props.secrets.prefix,
        SECRET_LEGACY_FALLBACK: String(props.secrets.legacyFallback),
        ORDER_EVENTS_QUEUE_URL: props.orderEventsQueue.queueUrl,
      },
    });
    const access = WebhookIngestFunction.ACCESS;
    grantChannelStore(props.channelsTable, this.function, access.channels);
    props.secrets.grant(this.function, access.secrets);
    grantOrderEventQueue(props.orderEventsQueue, this.function, access.orderEventQueue);
  }
}
