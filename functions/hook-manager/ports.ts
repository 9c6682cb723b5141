import type { StoreAccess } from '../common/ports';

/** The port methods hook-manager calls: its role is granted these. */
export const PORTS = {
  channels: ['get', 'list', 'recordHookState', 'recordReconcile', 'purge'],
  orders: [],
  // Credentials to call BigCommerce; the secret goes when a deleted channel is purged.
  secrets: ['get', 'delete'],
  // Reconcile: order changes whose webhook never arrived are enqueued like webhooks.
  orderEventQueue: ['send'],
  // Sweep shards, listing continuations and catch-ups, sent to itself.
  hookWorkQueue: ['send'],
} as const satisfies StoreAccess;
