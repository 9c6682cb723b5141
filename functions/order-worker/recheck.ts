import { readsShipments } from '../domain/decision';
import { isStaleRead } from '../domain/history';
import type { OrderEvent } from '../domain/order-event';
import type { Shipment } from '../domain/shipment';
import { needsRecheck, recheckOrder } from '../domain/recheck';
import {
  WORKER_COUNTERS,
  countOutcome,
  type LogAttributes,
  type OrderWorkerDeps,
  type SharedSteps,
} from './deps';
import type { Sources } from './sources';

/**
 * OM's import took the order out of `Unprocessed` (contract.md section 10): every pending or expired event
 * of the order is decided at once on one fresh BigCommerce read, in one conditional write. A re-check
 * that finds nothing pending (an earlier one, or a retry, got there first) does nothing.
 */
export function makeRecheck(deps: OrderWorkerDeps, sources: Sources, shared: SharedSteps) {
  const { logger, policy } = deps;
  const { clock, count, retentionSeconds, writeConflict } = shared;

  return async function recheck(event: OrderEvent, attrs: LogAttributes, deadline: number | undefined) {
    const { channelId, orderId } = event;
    const channel = await sources.loadChannel(channelId, attrs);
    if (!channel) return;
    let order = await deps.orders.get(channelId, orderId);
    if (!order || !needsRecheck(order)) {
      logger.info('Nothing waiting for this order any more', { ...attrs, outcome: 'nothing_pending' });
      return;
    }
    let read = await sources.readBigCommerce(channel, orderId, deadline, order);
    // Read once per re-check, however many write tries (a fulfilment costs at most two requests).
    let shipments: Shipment[] | undefined;

    for (let tries = 1; ; tries++) {
      const now = clock();
      const current = order;
      const decideAll = () =>
        recheckOrder(current, channel, read, now, policy, {
          retentionSeconds,
          ...(shipments && { shipments }),
        });
      let result = decideAll();
      if (!result) return;
      // A waiting event that now fulfils stores the shipments too (docs/contract.md section 11).
      if (!shipments && result.decisions.some(({ decision }) => readsShipments(decision))) {
        shipments = await sources.readShipments(channel, orderId, deadline);
        result = decideAll();
        if (!result) return;
      }
      if (await deps.orders.write(result.order, order.version)) {
        count(WORKER_COUNTERS.omImportRecheck);
        for (const { eventId, decision } of result.decisions) {
          countOutcome(deps.metrics, decision);
          logger.info('Order event re-checked after the OM import', {
            ...attrs,
            eventId,
            outcome: decision.outcome,
            bigcommerceStatusId: decision.bigcommerceStatusId,
            statusBefore: decision.statusBefore,
            statusAfter: decision.statusAfter,
          });
        }
        return;
      }
      writeConflict(orderId, tries);
      const again = await deps.orders.get(channelId, orderId);
      if (!again) return;
      order = again;
      if (read && isStaleRead(order, read))
        read = await sources.readBigCommerce(channel, orderId, deadline, order);
    }
  };
}
