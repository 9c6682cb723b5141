import { actionFor, decide, isApplied, type DecisionChannel } from '../../../functions/domain/decision';
import {
  BIGCOMMERCE_STATUS_IDS,
  CONFIGURABLE_OM_STATUSES,
  OM_STATUSES,
  type ConfigurableOmStatus,
  type OmStatus,
} from '../../../functions/domain/statuses';
import type { Outcome } from '../../../functions/domain/order';

const policy = { delaysSeconds: [60, 120, 240, 480, 900], maxAgeSeconds: 86_400 };
const now = new Date('2026-05-01T12:00:00.000Z');
const freshEvent = { receivedAt: '2026-05-01T11:59:00.000Z', attempt: 1, source: 'webhook' as const };
const oldEvent = { receivedAt: '2026-04-30T11:59:59.000Z', attempt: 9, source: 'webhook' as const };

const channel = (
  cancel: ConfigurableOmStatus[],
  fulfill: ConfigurableOmStatus[],
  overrides: Partial<DecisionChannel> = {},
): DecisionChannel => ({
  validCancellationStatuses: cancel,
  validFulfillmentStatuses: fulfill,
  ...overrides,
});

/** Valid-set configurations the matrix runs over. */
const CONFIGS: Record<string, DecisionChannel> = {
  'nothing ticked': channel([], []),
  'everything ticked': channel([...CONFIGURABLE_OM_STATUSES], [...CONFIGURABLE_OM_STATUSES]),
  'only Awaiting Shipment': channel(['Awaiting Shipment'], ['Awaiting Shipment']),
  'disjoint sets': channel(['Awaiting Payment', 'On Hold'], ['Awaiting Shipment', 'Pending Fulfillment']),
  'cancel only': channel(['On Hold', 'Dropship Requested'], []),
  'overridden BigCommerce lists': channel(['On Hold'], ['Awaiting Shipment'], {
    cancelOnBigCommerceStatusIds: [5, 6, 4],
    fulfillOnBigCommerceStatusIds: [3],
  }),
};

// The oracle, written as docs/contract.md section 3/4 states it (independently of the implementation's code path).
const DEFAULT_ACTIONS: Record<number, 'cancel' | 'fulfill'> = { 5: 'cancel', 2: 'fulfill', 10: 'fulfill' };
function expectedAction(cfg: DecisionChannel, id: number): 'cancel' | 'fulfill' | undefined {
  if (cfg.cancelOnBigCommerceStatusIds || cfg.fulfillOnBigCommerceStatusIds) {
    if (cfg.cancelOnBigCommerceStatusIds?.includes(id)) return 'cancel';
    if (cfg.fulfillOnBigCommerceStatusIds?.includes(id)) return 'fulfill';
    return undefined;
  }
  return DEFAULT_ACTIONS[id];
}
function expectedOutcome(
  cfg: DecisionChannel,
  id: number,
  om: OmStatus | undefined,
  expired: boolean,
): Outcome {
  const action = expectedAction(cfg, id);
  if (!action) {
    // Sections 11-12: a dispute or a manual verification needs a person; a partial shipment of an order
    // in a valid fulfilment status is recorded.
    if (id === 12 || id === 13) return 'needs_attention';
    if (id === 3 && om !== undefined && (cfg.validFulfillmentStatuses as string[]).includes(om))
      return 'partially_shipped';
    return 'no_action_for_bigcommerce_status';
  }
  if (om === undefined || om === 'Unprocessed') return expired ? 'expired' : 'deferred';
  if ((action === 'cancel' && om === 'Cancelled') || (action === 'fulfill' && om === 'Shipped'))
    return 'already_in_target_status';
  const set: readonly string[] =
    action === 'cancel' ? cfg.validCancellationStatuses : cfg.validFulfillmentStatuses;
  if (set.includes(om)) return action === 'cancel' ? 'cancelled' : 'fulfilled';
  return 'status_not_configured';
}

const omCases: (OmStatus | undefined)[] = [undefined, ...OM_STATUSES];
const matrix = Object.entries(CONFIGS).flatMap(([configName, cfg]) =>
  omCases.flatMap((om) =>
    BIGCOMMERCE_STATUS_IDS.flatMap((id) =>
      [false, true].map((expired) => ({ configName, cfg, om, id, expired })),
    ),
  ),
);

describe('decide: every OM status (and none) × every BigCommerce status × valid-set configuration', () => {
  test('the matrix covers 15 BigCommerce ids and 9 OM states', () => {
    expect(BIGCOMMERCE_STATUS_IDS).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(matrix).toHaveLength(Object.keys(CONFIGS).length * 9 * 15 * 2);
  });

  test.each(matrix)('$configName | OM $om | BC $id | expired $expired', ({ cfg, om, id, expired }) => {
    const omOrder = om === undefined ? undefined : { status: om };
    const decision = decide(cfg, { statusId: id }, omOrder, expired ? oldEvent : freshEvent, now, policy);
    const outcome = expectedOutcome(cfg, id, om, expired);
    expect(decision.outcome).toBe(outcome);
    expect(decision.bigcommerceStatusId).toBe(id);
    expect(decision.statusBefore).toBe(om ?? null);
    const after = outcome === 'cancelled' ? 'Cancelled' : outcome === 'fulfilled' ? 'Shipped' : (om ?? null);
    expect(decision.statusAfter).toBe(after);
    expect(isApplied(decision)).toBe(outcome === 'cancelled' || outcome === 'fulfilled');
  });
});

describe('decide: anchors', () => {
  const cfg = CONFIGS['disjoint sets']!;
  test('BigCommerce cancelled + OM On Hold ticked for cancel → cancelled', () => {
    expect(decide(cfg, { statusId: 5 }, { status: 'On Hold' }, freshEvent, now, policy)).toEqual({
      outcome: 'cancelled',
      action: 'cancel',
      bigcommerceStatusId: 5,
      statusBefore: 'On Hold',
      statusAfter: 'Cancelled',
    });
  });
  test('BigCommerce completed + OM Awaiting Shipment ticked for fulfil → fulfilled (Shipped)', () => {
    const d = decide(cfg, { statusId: 10 }, { status: 'Awaiting Shipment' }, freshEvent, now, policy);
    expect(d).toMatchObject({ outcome: 'fulfilled', statusAfter: 'Shipped' });
  });
  test('a status ticked only for the other action is not configured', () => {
    const d = decide(cfg, { statusId: 5 }, { status: 'Awaiting Shipment' }, freshEvent, now, policy);
    expect(d).toMatchObject({ outcome: 'status_not_configured', statusBefore: 'Awaiting Shipment' });
  });
  test('cancel of a Shipped order is not configured (terminal, never in a valid set)', () => {
    const all = CONFIGS['everything ticked']!;
    expect(decide(all, { statusId: 5 }, { status: 'Shipped' }, freshEvent, now, policy).outcome).toBe(
      'status_not_configured',
    );
  });
  test('a stored valid set that somehow names a terminal status never applies', () => {
    const corrupt = {
      validCancellationStatuses: ['Shipped'],
      validFulfillmentStatuses: [],
    } as unknown as DecisionChannel;
    expect(decide(corrupt, { statusId: 5 }, { status: 'Shipped' }, freshEvent, now, policy).outcome).toBe(
      'status_not_configured',
    );
  });
  test('BigCommerce 404 → bigcommerce_order_not_found, whatever OM says', () => {
    for (const om of omCases) {
      const d = decide(cfg, undefined, om ? { status: om } : undefined, freshEvent, now, policy);
      expect(d).toEqual({
        outcome: 'bigcommerce_order_not_found',
        bigcommerceStatusId: null,
        statusBefore: om ?? null,
        statusAfter: om ?? null,
      });
    }
  });
  test('an id in both overridden lists cancels', () => {
    const both = channel(['On Hold'], ['On Hold'], {
      cancelOnBigCommerceStatusIds: [2],
      fulfillOnBigCommerceStatusIds: [2],
    });
    expect(actionFor(both, 2)).toBe('cancel');
  });
  test('an empty overridden list means "never", not the default', () => {
    const none = channel(['On Hold'], ['On Hold'], {
      cancelOnBigCommerceStatusIds: [],
      fulfillOnBigCommerceStatusIds: [],
    });
    expect(decide(none, { statusId: 5 }, { status: 'On Hold' }, freshEvent, now, policy).outcome).toBe(
      'no_action_for_bigcommerce_status',
    );
  });
});

describe('decide: deferral delays and expiry', () => {
  const cfg = CONFIGS['everything ticked']!;
  const at = (attempt: number, receivedAt = freshEvent.receivedAt) => ({
    ...freshEvent,
    attempt,
    receivedAt,
  });

  test.each([
    [1, 60],
    [2, 120],
    [3, 240],
    [4, 480],
    [5, 900],
    [6, 900],
    [40, 900],
  ])('attempt %i waits %i s (the last delay repeats)', (attempt, delay) => {
    const d = decide(cfg, { statusId: 5 }, { status: 'Unprocessed' }, at(attempt), now, policy);
    expect(d).toMatchObject({ outcome: 'deferred', delaySeconds: delay, action: 'cancel' });
  });

  test('expiry is strictly after the maximum age', () => {
    const exactly = new Date(now.getTime() - 86_400_000).toISOString();
    const justOver = new Date(now.getTime() - 86_400_001).toISOString();
    expect(decide(cfg, { statusId: 2 }, undefined, at(3, exactly), now, policy).outcome).toBe('deferred');
    expect(decide(cfg, { statusId: 2 }, undefined, at(3, justOver), now, policy).outcome).toBe('expired');
  });

  test('a single configured delay is used for every attempt', () => {
    const one = { delaysSeconds: [30], maxAgeSeconds: 600 };
    for (const attempt of [1, 2, 10]) {
      const d = decide(cfg, { statusId: 5 }, undefined, at(attempt), now, one);
      expect(d).toMatchObject({ outcome: 'deferred', delaySeconds: 30 });
    }
  });
});
