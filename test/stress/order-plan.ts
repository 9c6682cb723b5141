import type { Rng } from './rng';

/**
 * The orders a fault run drives, and the status each must end in. The expected final status is worked
 * out here from the OM status, the channel's valid sets and the final BigCommerce status, written
 * independently of functions/domain/decision.ts so the run checks the system against the product rules
 * (docs/contract.md sections 1, 3, 4) rather than against itself.
 */
export const OM = {
  unprocessed: 'Unprocessed',
  configurable: [
    'Awaiting Payment',
    'On Hold',
    'Awaiting Shipment',
    'Pending Fulfillment',
    'Dropship Requested',
  ],
  terminal: ['Shipped', 'Cancelled'],
} as const;

/** The channel every fault run saves: some statuses selected for one action, one for both, one for none. */
export const CHANNEL_SETTINGS = {
  validCancellationStatuses: ['Awaiting Payment', 'On Hold', 'Awaiting Shipment'],
  validFulfillmentStatuses: ['Awaiting Shipment', 'Pending Fulfillment'],
} as const;

/** docs/contract.md section 3, default mapping. */
const CANCEL_IDS = [5];
const FULFILL_IDS = [2, 10];
const SHIPPED_ID = 2;
/** Statuses in neither list: an order passes through these before its final status. */
const OTHER_IDS = [1, 7, 9, 12];
/** Every order is created in BigCommerce as Awaiting Fulfillment (no webhook: only status changes are). */
export const BC_CREATED_STATUS = 11;

export type OmPlan =
  /** Imported with this status before BigCommerce changes (processed, not processed-for-this, terminal). */
  | { kind: 'gated'; status: string }
  /** Unprocessed in OM (or not imported: initial null) when BigCommerce changes; processed a moment later. */
  | { kind: 'late'; initial: 'Unprocessed' | null; later: string }
  /** Never processed in OM: its events are deferred until they expire. */
  | { kind: 'stuck'; initial: 'Unprocessed' | null };

export interface OrderPlan {
  orderId: number;
  om: OmPlan;
  /** BigCommerce status changes after creation, in order; each delivers one statusUpdated webhook. */
  bcChanges: number[];
}

export interface PlanMix {
  /** Share of orders never processed in OM (their events expire). */
  stuck: number;
  /** Share of orders processed in OM only after BigCommerce changed. */
  late: number;
}

export const DEFAULT_MIX: PlanMix = { stuck: 0.08, late: 0.25 };

/**
 * Each order's BigCommerce path touches at most one action (cancel or fulfil), so its expected final status
 * does not depend on the order in which its events happen to be processed.
 */
function bcPath(rng: Rng): number[] {
  const roll = rng.next();
  const detour = rng.chance(0.4) ? [rng.pick(OTHER_IDS)] : [];
  if (roll < 0.4) return [...detour, 5];
  if (roll < 0.8) {
    const shipped = rng.pick(FULFILL_IDS);
    // Shipped then Completed: two fulfil events for one order.
    return shipped === 2 && rng.chance(0.3) ? [...detour, 2, 10] : [...detour, shipped];
  }
  const other = rng.pick(OTHER_IDS);
  return rng.chance(0.5) ? [other, rng.pick(OTHER_IDS.filter((id) => id !== other))] : [other];
}

export function planOrders(
  rng: Rng,
  count: number,
  mix: PlanMix = DEFAULT_MIX,
  firstOrderId = 1,
): OrderPlan[] {
  const plans: OrderPlan[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    let om: OmPlan;
    if (roll < mix.stuck) om = { kind: 'stuck', initial: rng.chance(0.6) ? OM.unprocessed : null };
    else if (roll < mix.stuck + mix.late)
      om = {
        kind: 'late',
        initial: rng.chance(0.6) ? OM.unprocessed : null,
        later: rng.pick(OM.configurable),
      };
    else om = { kind: 'gated', status: rng.pick([...OM.configurable, ...OM.terminal]) };
    plans.push({ orderId: firstOrderId + i, om, bcChanges: bcPath(rng) });
  }
  // Even a small run covers every kind: one order never processed, one processed late (both cancelled).
  if (count >= 3 && !plans.some((p) => p.om.kind === 'stuck'))
    plans[0] = { ...plans[0]!, om: { kind: 'stuck', initial: OM.unprocessed }, bcChanges: [5] };
  if (count >= 3 && !plans.some((p) => p.om.kind === 'late'))
    plans[1] = { ...plans[1]!, om: { kind: 'late', initial: null, later: 'On Hold' }, bcChanges: [5] };
  return plans;
}

/**
 * Shipped then cancelled in BigCommerce within a second: both changes happen before the worker reads the
 * order, so every read sees Cancelled and the expected final status follows the final BigCommerce status
 * (Cancelled when the OM status is in the cancellation set — also when it is in both sets — never Shipped).
 * One order imported with a status in both sets and one processed late with it, whatever the dice say.
 */
export function shipThenCancel(plans: OrderPlan[], rng: Rng, share: number): number {
  const both = CHANNEL_SETTINGS.validCancellationStatuses.find((s) =>
    (CHANNEL_SETTINGS.validFulfillmentStatuses as readonly string[]).includes(s),
  )!;
  let changed = 0;
  plans.forEach((plan, index) => {
    // 0 and 1 may be planOrders' forced stuck and late orders: 2 and 3 are this scenario's.
    if (index !== 2 && index !== 3 && !rng.chance(share)) return;
    plan.bcChanges = [SHIPPED_ID, CANCEL_IDS[0]!];
    if (index === 2) plan.om = { kind: 'gated', status: both };
    if (index === 3) plan.om = { kind: 'late', initial: OM.unprocessed, later: both };
    changed++;
  });
  return changed;
}

/** The OM status the order has once OM is done with it (null: never imported). */
export function finalOmStatus(om: OmPlan): string | null {
  if (om.kind === 'gated') return om.status;
  if (om.kind === 'late') return om.later;
  return om.initial;
}

/** The status the gate demands at the end (null: the order was never imported and must stay so). */
export function expectedFinalStatus(plan: OrderPlan): string | null {
  const om = finalOmStatus(plan.om);
  const finalBc = plan.bcChanges[plan.bcChanges.length - 1]!;
  const action = CANCEL_IDS.includes(finalBc)
    ? 'cancel'
    : FULFILL_IDS.includes(finalBc)
      ? 'fulfill'
      : undefined;
  // No action for this BigCommerce status, or OM has not processed the order: nothing changes.
  if (action === undefined || om === null || om === OM.unprocessed) return om;
  const target = action === 'cancel' ? 'Cancelled' : 'Shipped';
  const selected: readonly string[] =
    action === 'cancel'
      ? CHANNEL_SETTINGS.validCancellationStatuses
      : CHANNEL_SETTINGS.validFulfillmentStatuses;
  return selected.includes(om) ? target : om;
}

/** Whether the order's final BigCommerce status is one that cancels or fulfils. */
export const expectsAction = (plan: OrderPlan): boolean => {
  const finalBc = plan.bcChanges[plan.bcChanges.length - 1]!;
  return CANCEL_IDS.includes(finalBc) || FULFILL_IDS.includes(finalBc);
};

/** Whether the order's status must change exactly once (one `cancelled` or `fulfilled` entry). */
export const expectsEffect = (plan: OrderPlan): boolean =>
  expectedFinalStatus(plan) !== finalOmStatus(plan.om);
