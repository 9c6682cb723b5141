import type { HistoryEntry, OmOrder } from '../../functions/domain/order';

/**
 * The one history-entry builder of the tests: by default this system's cancel of an On Hold order on a
 * webhook (BigCommerce status 5). `over` replaces any field.
 */
export const historyEntry = (over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  at: '2026-05-01T10:00:00.000Z',
  eventId: 'e1',
  source: 'webhook',
  bigcommerceStatusId: 5,
  outcome: 'cancelled',
  statusBefore: 'On Hold',
  statusAfter: 'Cancelled',
  attempt: 1,
  ...over,
});

/** A webhook the worker deferred: no OM status read or set. */
export const deferredEntry = (over: Partial<HistoryEntry> = {}): HistoryEntry =>
  historyEntry({ outcome: 'deferred', statusBefore: null, statusAfter: null, ...over });

/** The one stored-order builder: `c1/1` at version 1, no OM status, history or marks yet. */
export const makeOrder = (over: Partial<OmOrder> = {}): OmOrder => ({
  channelId: 'c1',
  orderId: 1,
  updatedAt: '2026-05-01T10:00:00.000Z',
  history: [],
  processed: {},
  version: 1,
  ...over,
});
