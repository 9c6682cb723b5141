import { wantsHooks, type Channel } from './channel';
import { HOOK_SCOPE } from './hook-plan';
import type { OrderEvent } from './order-event';

/**
 * Reconcile: webhooks backed by polling. Events raised while a hook was gone or inactive are lost by
 * BigCommerce, so hook-manager lists the orders modified since the channel's watermark whose status is
 * a cancel or fulfill status and enqueues them as `source: reconcile` events (the worker gates, records
 * and dedupes them like webhooks).
 */
export const RECONCILE_EVERY_MS = 24 * 60 * 60 * 1000;
/** First run (no watermark yet): look back this far. */
export const RECONCILE_FIRST_LOOKBACK_MS = 24 * 60 * 60 * 1000;
/**
 * When the watermark moves to the run's start, it stays this far behind: BigCommerce stamps
 * `date_modified` with its own clock. Re-listed orders carry the same eventId, so the worker dedupes them.
 */
export const RECONCILE_CLOCK_SKEW_MS = 60 * 1000;

type ReconcileChannel = Pick<
  Channel,
  | 'validCancellationStatuses'
  | 'validFulfillmentStatuses'
  | 'cancelOnBigCommerceStatusIds'
  | 'fulfillOnBigCommerceStatusIds'
  | 'deletedAt'
  | 'reconcile'
  | 'hook'
>;

export type ReconcileReason = 'hook_lost' | 'catch_up' | 'previous_error' | 'daily' | 'first_run';

/**
 * Whether to reconcile now: never for a channel that wants no hook (nothing would be acted on); at
 * once when deliveries may have been lost, on the catch-up run after a hook was created or
 * re-activated, or when the previous run ended in an error; else at least daily.
 */
export function reconcileReason(
  channel: ReconcileChannel,
  args: { hookLost: boolean; catchUp?: boolean; now: Date },
): ReconcileReason | undefined {
  if (channel.deletedAt !== undefined || !wantsHooks(channel)) return undefined;
  if (args.hookLost) return 'hook_lost';
  if (args.catchUp) return 'catch_up';
  if (channel.hook?.lastError !== undefined) return 'previous_error';
  const last = channel.reconcile?.lastRunAt;
  if (last === undefined) return 'first_run';
  return args.now.getTime() - Date.parse(last) >= RECONCILE_EVERY_MS ? 'daily' : undefined;
}

/**
 * The BigCommerce status ids worth listing: the cancel ids only when some cancellation status is
 * configured, the fulfill ids only when some fulfillment status is.
 */
export function reconcileStatusIds(channel: ReconcileChannel): number[] {
  const ids = [
    ...(channel.validCancellationStatuses.length > 0 ? channel.cancelOnBigCommerceStatusIds : []),
    ...(channel.validFulfillmentStatuses.length > 0 ? channel.fulfillOnBigCommerceStatusIds : []),
  ];
  return [...new Set(ids)];
}

/** Where the listing starts: `since` (by hand), else the watermark, else one day back. */
export function reconcileFrom(channel: ReconcileChannel, now: Date, since?: Date): string {
  if (since) return since.toISOString();
  return channel.reconcile?.watermark ?? new Date(now.getTime() - RECONCILE_FIRST_LOOKBACK_MS).toISOString();
}

/** The queue message for one listed order. The eventId is stable, so a re-listed order is a duplicate. */
export function reconcileEvent(args: {
  channelId: string;
  order: { id: number; statusId: number; dateModified: string };
  receivedAt: Date;
}): OrderEvent {
  const { order } = args;
  return {
    v: 1,
    channelId: args.channelId,
    orderId: order.id,
    scope: HOOK_SCOPE,
    eventId: `r:${order.id}:${order.statusId}:${order.dateModified}`,
    statusHint: { newStatusId: order.statusId },
    receivedAt: args.receivedAt.toISOString(),
    attempt: 1,
    source: 'reconcile',
  };
}

/**
 * The watermark after a run in which every listed order was enqueued: everything modified before the
 * run's start (less the clock-skew margin) has been handed over. Not the newest `date_modified` seen:
 * with one listing per status id, an order that changed to an earlier-listed status during the run
 * would be stamped before a later listing's newest order and be skipped. Never moves backwards.
 */
export function nextWatermark(args: { previous?: string; runStart: Date }): string {
  const previous = args.previous ? Date.parse(args.previous) : Number.NEGATIVE_INFINITY;
  const candidate = args.runStart.getTime() - RECONCILE_CLOCK_SKEW_MS;
  return new Date(Math.max(candidate, Number.isFinite(previous) ? previous : candidate)).toISOString();
}

/**
 * Where the next page of one status listing starts. Pages go by a `min_date_modified` cursor (sorted
 * by `date_modified` ascending), not page numbers: an order modified during the listing moves to the
 * end instead of shifting the pages and being skipped. `min_date_modified` is inclusive, so the next
 * page starts at the last order's time; only when a whole page shares that time does the page number
 * advance within it.
 */
export function nextOrdersPage(args: { cursor: string; page: number; lastDateModified: string }): {
  cursor: string;
  page: number;
} {
  return args.lastDateModified === args.cursor
    ? { cursor: args.cursor, page: args.page + 1 }
    : { cursor: args.lastDateModified, page: 1 };
}
