import type { StoreAccess } from '../common/ports';

/** The port methods webhook-ingest calls: its role is granted these and its deps are narrowed to them. */
export const PORTS = {
  // recordDeliveryException: BigCommerce's delivery exceptions are recorded on the channel.
  channels: ['get', 'recordDeliveryException'],
  orders: [],
  // Token and client secret only: never a store's API access token.
  secrets: ['getWebhookAuth'],
  orderEventQueue: ['send'],
  hookWorkQueue: [],
} as const satisfies StoreAccess;
