import type { Channel } from '../../functions/domain/channel';
import {
  DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS,
  DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS,
} from '../../functions/domain/statuses';

/**
 * The one channel builder of the tests. A live channel `c1` on store `abc123`: On Hold cancels, Awaiting
 * Shipment fulfils, the default BigCommerce ids, created and updated on 2026-01-01. `over` replaces any
 * field; a suite that wants other defaults keeps them as one overrides object next to its tests.
 */
export const makeChannel = (over: Partial<Channel> = {}): Channel => ({
  channelId: 'c1',
  storeHash: 'abc123',
  validCancellationStatuses: ['On Hold'],
  validFulfillmentStatuses: ['Awaiting Shipment'],
  cancelOnBigCommerceStatusIds: [...DEFAULT_CANCEL_ON_BIGCOMMERCE_STATUS_IDS],
  fulfillOnBigCommerceStatusIds: [...DEFAULT_FULFILL_ON_BIGCOMMERCE_STATUS_IDS],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

/**
 * A live channel as the hook-manager and reconcile tests use it: created 100 h before `now` and
 * reconciled 2 h before it (so only hook problems trigger a reconcile).
 */
export function channelAt(now: Date, over: Partial<Channel> = {}): Channel {
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
  return makeChannel({
    createdAt: hoursAgo(100),
    updatedAt: hoursAgo(100),
    reconcile: { watermark: hoursAgo(2), lastRunAt: hoursAgo(2) },
    ...over,
  });
}

/** The worker suites' valid sets: cancel and fulfil statuses apart, so every decision is told apart. */
export const DISJOINT_STATUSES = {
  validCancellationStatuses: ['Awaiting Payment', 'On Hold'],
  validFulfillmentStatuses: ['Awaiting Shipment', 'Pending Fulfillment'],
} satisfies Partial<Channel>;

/** How a channel's view shows it before any hook was found or reconcile run: nulls, not absent fields. */
export const NOT_YET_HOOKED_VIEW = {
  webhook: {
    hookId: null,
    isActive: false,
    lastVerifiedAt: null,
    lastError: null,
    lastDeliveryException: null,
  },
  reconcile: { watermark: null, lastRunAt: null },
};

/** A valid settings body for a new channel, as `PUT /channels/{channelId}` takes it (credentials included). */
export const settingsBody = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  storeHash: 'abc123',
  accessToken: 'tok-secret',
  clientSecret: 'client-secret',
  validCancellationStatuses: ['Awaiting Shipment'],
  validFulfillmentStatuses: ['Awaiting Shipment', 'On Hold'],
  ...over,
});
