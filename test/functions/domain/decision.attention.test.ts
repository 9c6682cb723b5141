/**
 * docs/contract.md sections 11 and 12 over every OM status × every BigCommerce status × event kind (status
 * change or shipment) × who set the OM status (this system or OM's import) × archived or not.
 */
import {
  decide,
  readsShipments,
  setByThisSystem,
  type DecisionChannel,
} from '../../../functions/domain/decision';
import type { HistoryEntry, NeedsAttentionReason, Outcome } from '../../../functions/domain/order';
import { BIGCOMMERCE_STATUS_IDS, OM_STATUSES, type OmStatus } from '../../../functions/domain/statuses';
import { historyEntry } from '../../support/orders';

const policy = { delaysSeconds: [60], maxAgeSeconds: 86_400 };
const now = new Date('2026-05-01T12:00:00.000Z');
const cfg: DecisionChannel = {
  validCancellationStatuses: ['On Hold', 'Awaiting Shipment'],
  validFulfillmentStatuses: ['Awaiting Shipment', 'Pending Fulfillment'],
};
const EVENTS = {
  status: {
    receivedAt: '2026-05-01T11:59:00.000Z',
    attempt: 1,
    source: 'webhook' as const,
    scope: 'store/order/statusUpdated',
  },
  shipment: {
    receivedAt: '2026-05-01T11:59:00.000Z',
    attempt: 1,
    source: 'webhook' as const,
    scope: 'store/shipment/created',
  },
};

/** The history behind `status`: this system's own cancel/fulfil, or OM's imports afterwards. */
const historyFor = (status: OmStatus, setter: 'system' | 'om'): HistoryEntry[] => {
  if (status !== 'Cancelled' && status !== 'Shipped') return [];
  const ours = historyEntry(
    status === 'Cancelled'
      ? {}
      : {
          outcome: 'fulfilled',
          bigcommerceStatusId: 2,
          statusBefore: 'Awaiting Shipment',
          statusAfter: 'Shipped',
        },
  );
  // OM's import moved it away from what this system set (that writes the entry); a later import set
  // `status` again, from a status this system never sets (that writes none).
  const om = historyEntry({
    source: 'om_import',
    outcome: 'status_changed_by_om_import',
    statusBefore: ours.statusAfter,
    statusAfter: 'Awaiting Shipment',
  });
  return setter === 'system' ? [ours] : [ours, om];
};

// The oracle, as sections 4, 11 and 12 state it.
const DEFAULT_ACTIONS: Record<number, 'cancel' | 'fulfill'> = { 5: 'cancel', 2: 'fulfill', 10: 'fulfill' };
function expected(
  om: OmStatus | undefined,
  id: number,
  kind: keyof typeof EVENTS,
  setter: 'system' | 'om',
  archived: boolean,
): { outcome: Outcome; reason?: NeedsAttentionReason } {
  const action = DEFAULT_ACTIONS[id];
  if (archived) return { outcome: 'needs_attention', reason: 'archived_in_bigcommerce' };
  if (om === 'Cancelled' && setter === 'system' && action !== 'cancel')
    return { outcome: 'needs_attention', reason: 'uncancelled_in_bigcommerce' };
  if (om === 'Shipped' && setter === 'system' && kind === 'shipment') return { outcome: 'shipment_recorded' };
  if (!action) {
    if (id === 13) return { outcome: 'needs_attention', reason: 'disputed' };
    if (id === 12) return { outcome: 'needs_attention', reason: 'manual_verification_required' };
    if (id === 3 && om && (cfg.validFulfillmentStatuses as string[]).includes(om))
      return { outcome: 'partially_shipped' };
    return { outcome: 'no_action_for_bigcommerce_status' };
  }
  if (om === undefined || om === 'Unprocessed') return { outcome: 'deferred' };
  if ((action === 'cancel' && om === 'Cancelled') || (action === 'fulfill' && om === 'Shipped'))
    return { outcome: 'already_in_target_status' };
  const set: readonly string[] =
    action === 'cancel' ? cfg.validCancellationStatuses : cfg.validFulfillmentStatuses;
  if (set.includes(om)) return { outcome: action === 'cancel' ? 'cancelled' : 'fulfilled' };
  return { outcome: 'status_not_configured' };
}

const matrix = [undefined, ...OM_STATUSES].flatMap((om) =>
  BIGCOMMERCE_STATUS_IDS.flatMap((id) =>
    (['status', 'shipment'] as const).flatMap((kind) =>
      (['system', 'om'] as const).flatMap((setter) =>
        [false, true].map((archived) => ({ om, id, kind, setter, archived })),
      ),
    ),
  ),
);

describe('decide: shipments and orders that need a person', () => {
  test.each(matrix)(
    'OM $om | BC $id | $kind event | set by $setter | archived $archived',
    ({ om, id, kind, setter, archived }) => {
      const order = om === undefined ? undefined : { status: om, history: historyFor(om, setter) };
      const decision = decide(
        cfg,
        { statusId: id, ...(archived && { isDeleted: true }) },
        order,
        EVENTS[kind],
        now,
        policy,
      );
      const want = expected(om, id, kind, setter, archived);
      expect(decision.outcome).toBe(want.outcome);
      expect(decision.outcome === 'needs_attention' ? decision.reason : undefined).toBe(want.reason);
      // The OM status never changes except by a cancel or a fulfilment.
      if (want.outcome !== 'cancelled' && want.outcome !== 'fulfilled')
        expect(decision.statusAfter).toBe(om ?? null);
      expect(readsShipments(decision)).toBe(
        ['fulfilled', 'partially_shipped', 'shipment_recorded'].includes(want.outcome),
      );
    },
  );
});

describe('setByThisSystem', () => {
  test('the newest status-setting entry decides; deferred and other entries do not count', () => {
    const cancelled = historyEntry();
    const later = historyEntry({
      outcome: 'status_not_configured',
      statusBefore: 'Cancelled',
      statusAfter: 'Cancelled',
    });
    expect(setByThisSystem({ status: 'Cancelled', history: [cancelled, later] }, 'Cancelled')).toBe(true);
    expect(setByThisSystem({ status: 'Cancelled', history: [] }, 'Cancelled')).toBe(false);
    expect(setByThisSystem({ status: 'Cancelled' }, 'Cancelled')).toBe(false);
    expect(setByThisSystem({ status: 'On Hold', history: [cancelled] }, 'Cancelled')).toBe(false);
    const reimported = historyEntry({
      source: 'om_import',
      outcome: 'status_changed_by_om_import',
      statusAfter: 'Cancelled',
    });
    expect(setByThisSystem({ status: 'Cancelled', history: [cancelled, reimported] }, 'Cancelled')).toBe(
      false,
    );
  });

  test("a cancel or fulfil by the re-check after OM's import (source om_import) is this system's too", () => {
    const byRecheck = historyEntry({ source: 'om_import' });
    expect(byRecheck.outcome).toBe('cancelled');
    expect(setByThisSystem({ status: 'Cancelled', history: [byRecheck] }, 'Cancelled')).toBe(true);
    const shippedByRecheck = historyEntry({
      source: 'om_import',
      outcome: 'fulfilled',
      statusAfter: 'Shipped',
    });
    expect(setByThisSystem({ status: 'Shipped', history: [shippedByRecheck] }, 'Shipped')).toBe(true);
  });
});
