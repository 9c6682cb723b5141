import { decide, readsShipments, type Decision, type DecisionChannel } from './decision';
import { isWaitingForOm, nextOrder } from './history';
import type { BigCommerceRead, OmOrder } from './order';
import type { OrderEvent } from './order-event';
import type { RetryPolicy } from './retry-policy';
import type { Shipment } from './shipment';

/**
 * OM's import re-checks the order's waiting events at once (docs/contract.md section 10): pure helpers for
 * channel-api (does this import need a re-check?) and for the worker (what the re-check writes).
 */

/** OM has processed the order and events are still waiting for it: one re-check message is due. */
export const needsRecheck = (order: Pick<OmOrder, 'status' | 'pending'>): boolean =>
  !isWaitingForOm(order) && Object.keys(order.pending ?? {}).length > 0;

/** Re-check messages are told apart by the order version that asked for them. */
export const recheckEventId = (order: Pick<OmOrder, 'orderId' | 'version'>): string =>
  `om-import:${order.orderId}:${order.version}`;

/** The scope of re-check messages (they come from OM's import, not from a BigCommerce callback). */
export const RECHECK_SCOPE = 'om/order/imported';

/** The one message an import sends when events wait for the order; undefined when none do. */
export function recheckMessage(order: OmOrder, now: Date): OrderEvent | undefined {
  if (!needsRecheck(order)) return undefined;
  return {
    v: 1,
    channelId: order.channelId,
    orderId: order.orderId,
    scope: RECHECK_SCOPE,
    eventId: recheckEventId(order),
    receivedAt: now.toISOString(),
    attempt: 1,
    source: 'om_import',
  };
}

export interface RecheckResult {
  order: OmOrder;
  /** One decision per re-checked event, oldest first. */
  decisions: { eventId: string; decision: Decision }[];
}

/**
 * Every pending event of `read` decided on one fresh BigCommerce read, oldest first, each against the
 * status the previous one left (so a second cancel is `already_in_target_status`). Each adds one
 * history entry with `source: "om_import"` and leaves the pending list; a decision that fulfils stores
 * `shipments` when given (capped as every write caps them). undefined when there is nothing to re-check
 * (OM still waiting, or an earlier re-check already did it).
 */
export function recheckOrder(
  read: OmOrder,
  channel: DecisionChannel,
  bigcommerce: BigCommerceRead | undefined,
  now: Date,
  policy: RetryPolicy,
  options: { retentionSeconds: number; shipments?: Shipment[] },
): RecheckResult | undefined {
  const { shipments, ...rest } = options;
  if (!needsRecheck(read)) return undefined;
  const waiting = Object.entries(read.pending ?? {}).sort(
    ([, a], [, b]) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt),
  );
  let order = read;
  const decisions: RecheckResult['decisions'] = [];
  for (const [eventId, pending] of waiting) {
    const event = {
      eventId,
      source: 'om_import' as const,
      attempt: pending.attempt + 1,
      receivedAt: pending.receivedAt,
    };
    const decision = decide(channel, bigcommerce, order, event, now, policy);
    const next = nextOrder(order, order, decision, event, now, {
      ...rest,
      ...(bigcommerce ? { bigcommerceRead: bigcommerce } : {}),
      ...(shipments && readsShipments(decision) ? { shipments } : {}),
    });
    // One write for the whole re-check: the version moves on once.
    order = { ...next, version: read.version + 1 };
    decisions.push({ eventId, decision });
  }
  return { order, decisions };
}
