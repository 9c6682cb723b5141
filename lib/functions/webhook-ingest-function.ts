import type { Construct } from 'constructs';
import { HouseFunction, resourceEnvironment, type HouseResources } from '../house-function';
import { grantStoreAccess } from '../store-access';
import type { StoreAccess } from '../../functions/common/ports';
import { PORTS } from '../../functions/webhook-ingest/ports';

export type WebhookIngestFunctionProps = Pick<
  HouseResources,
  'channelsTable' | 'orderEventsQueue' | 'secrets' | 'logRemovalPolicy'
>;

/**
 * webhook-ingest: authenticates, validates and enqueues BigCommerce callbacks (public route). It must
 * answer fast, so it may only read a channel (and its secret) and send one message to the queue.
 */
export class WebhookIngestFunction extends HouseFunction {
  /** The port methods its code calls (its deps are typed from the same const). */
  static readonly ACCESS: StoreAccess = PORTS;

  constructor(scope: Construct, id: string, props: WebhookIngestFunctionProps) {
    super(scope, id, {
      name: 'webhook-ingest',
      description: 'Authenticates BigCommerce webhooks and enqueues them as order events',
      logRemovalPolicy: props.logRemovalPolicy,
      environment: {
        ...resourceEnvironment(props),
        SECRET_LEGACY_FALLBACK: String(props.secrets.legacyFallback),
      },
    });
    grantStoreAccess(this.function, WebhookIngestFunction.ACCESS, {
      channels: props.channelsTable,
      secrets: props.secrets,
      orderEventQueue: props.orderEventsQueue,
    });
  }
}
