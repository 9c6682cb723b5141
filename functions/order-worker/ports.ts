import type { StoreAccess } from '../common/ports';

/** The port methods order-worker calls: its role is granted these and its deps are narrowed to them. */
export const PORTS = {
  channels: ['get'],
  orders: ['get', 'write'],
  // The access token only: the webhook-authentication secret is webhook-ingest's.
  secrets: ['getApiCredentials'],
  // Deferral: the event goes back on the queue with a delay. (Receive/delete: the event source.)
  orderEventQueue: ['send'],
  hookWorkQueue: [],
} as const satisfies StoreAccess;
