import type { StoreAccess } from '../common/ports';

/** The port methods channel-api calls: its role is granted these and its deps are narrowed to them. */
export const PORTS = {
  // A channel delete is a tombstone written by `put`; hook-manager purges the item and its secret.
  // recordHookState: a credentials check BigCommerce could not answer is reported as the hook's error.
  channels: ['get', 'put', 'recordHookState'],
  orders: ['get', 'importStatus'],
  secrets: ['get', 'put'],
  orderEventQueue: ['send'],
  hookWorkQueue: [],
} as const satisfies StoreAccess;
