import type { Channel } from '../../functions/domain/channel';

/**
 * A live channel as the hook-manager and reconcile tests use it: On Hold cancels, Awaiting Shipment
 * fulfils, default BigCommerce ids, created 100 h before `now` and reconciled 2 h before it (so only
 * hook problems trigger a reconcile). `over` replaces any field.
 */
export function channelAt(now: Date, over: Partial<Channel> = {}): Channel {
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
  return {
    channelId: 'c1',
    storeHash: 'abc123',
    validCancellationStatuses: ['On Hold'],
    validFulfillmentStatuses: ['Awaiting Shipment'],
    cancelOnBigCommerceStatusIds: [5],
    fulfillOnBigCommerceStatusIds: [2, 10],
    createdAt: hoursAgo(100),
    updatedAt: hoursAgo(100),
    reconcile: { watermark: hoursAgo(2), lastRunAt: hoursAgo(2) },
    ...over,
  };
}
