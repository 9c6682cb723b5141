import { computeLedger, formatTable, type LedgerInput, type LedgerOrder } from './ledger';
import { expectedFinalStatus, expectsEffect, planOrders, type OrderPlan } from './order-plan';
import { createRng } from './rng';

/** The ledger must be able to fail: each way of losing or duplicating an effect is seen and counted. */

const gated = (orderId: number, status: string, bcChanges: number[]): OrderPlan => ({
  orderId,
  om: { kind: 'gated', status },
  bcChanges,
});

const entry = (eventId: string, outcome: string, source = 'webhook') => ({ eventId, outcome, source });

function input(
  overrides: Partial<LedgerInput> & { orders: Map<number, LedgerOrder | undefined> },
): LedgerInput {
  return {
    plans: [gated(1, 'Awaiting Shipment', [5])],
    accepted: new Map([['e1', 1]]),
    published: new Set(['e1']),
    deadLettered: new Set(),
    ...overrides,
  };
}

describe('expectedFinalStatus (the gate, written independently of the domain code)', () => {
  test.each([
    ['selected for cancel, BigCommerce cancelled', gated(1, 'On Hold', [5]), 'Cancelled'],
    ['selected for both, BigCommerce shipped', gated(1, 'Awaiting Shipment', [9, 2]), 'Shipped'],
    ['selected for both, completed', gated(1, 'Awaiting Shipment', [10]), 'Shipped'],
    ['selected for fulfil only, cancelled', gated(1, 'Pending Fulfillment', [5]), 'Pending Fulfillment'],
    ['selected for cancel only, shipped', gated(1, 'On Hold', [2, 10]), 'On Hold'],
    ['selected for neither', gated(1, 'Dropship Requested', [5]), 'Dropship Requested'],
    ['already terminal', gated(1, 'Shipped', [5]), 'Shipped'],
    ['already in the target', gated(1, 'Cancelled', [5]), 'Cancelled'],
    ['no action for the BigCommerce status', gated(1, 'Awaiting Shipment', [9, 7]), 'Awaiting Shipment'],
    [
      'processed late',
      { orderId: 1, om: { kind: 'late', initial: 'Unprocessed', later: 'On Hold' }, bcChanges: [5] },
      'Cancelled',
    ],
    [
      'imported late',
      { orderId: 1, om: { kind: 'late', initial: null, later: 'Pending Fulfillment' }, bcChanges: [2] },
      'Shipped',
    ],
    [
      'never processed',
      { orderId: 1, om: { kind: 'stuck', initial: 'Unprocessed' }, bcChanges: [5] },
      'Unprocessed',
    ],
    ['never imported', { orderId: 1, om: { kind: 'stuck', initial: null }, bcChanges: [2] }, null],
  ] as Array<[string, OrderPlan, string | null]>)('%s', (_name, plan, expected) => {
    expect(expectedFinalStatus(plan)).toBe(expected);
  });

  test('generated plans touch at most one action each, so the result does not depend on processing order', () => {
    const plans = planOrders(createRng(3), 2000);
    for (const plan of plans) {
      const actions = new Set(
        plan.bcChanges.map((id) => (id === 5 ? 'cancel' : id === 2 || id === 10 ? 'fulfill' : 'none')),
      );
      actions.delete('none');
      expect(actions.size).toBeLessThanOrEqual(1);
      // Only the last change may be one that acts, apart from Shipped followed by Completed.
      for (const id of plan.bcChanges.slice(0, -1)) expect(id === 2 || ![5, 10].includes(id)).toBe(true);
    }
    const kinds = new Set(plans.map((p) => p.om.kind));
    expect([...kinds].sort()).toEqual(['gated', 'late', 'stuck']);
    expect(plans.some(expectsEffect)).toBe(true);
    expect(plans.some((p) => !expectsEffect(p))).toBe(true);
  });
});

describe('computeLedger', () => {
  test('balances for one applied event', () => {
    const orders = new Map([
      [1, { status: 'Cancelled', history: [entry('e1', 'deferred'), entry('e1', 'cancelled')] }],
    ]);
    const { counts, problems } = computeLedger(input({ orders }));
    expect(problems).toEqual([]);
    expect(counts).toMatchObject({
      events: 1,
      applied: 1,
      deferred: 1,
      lost: 0,
      duplicated: 0,
      wrongFinal: 0,
    });
  });

  test('an accepted event without a terminal outcome is lost (a deferral alone is not one)', () => {
    const orders = new Map([
      [1, { status: 'Cancelled', history: [entry('e0', 'cancelled'), entry('e1', 'deferred')] }],
    ]);
    const { counts, problems } = computeLedger(
      input({
        orders,
        accepted: new Map([
          ['e0', 1],
          ['e1', 1],
        ]),
        published: new Set(['e0', 'e1']),
      }),
    );
    expect(counts.lost).toBe(1);
    expect(problems.join()).toContain('e1 has no terminal outcome');
  });

  test('a dead-lettered event counts as such, and is still lost if the replay did not complete it', () => {
    const orders = new Map([[1, { status: 'Awaiting Shipment', history: [] }]]);
    const { counts } = computeLedger(input({ orders, deadLettered: new Set(['e1']) }));
    expect(counts).toMatchObject({ deadLettered: 1, lost: 1, wrongFinal: 1 });
  });

  test('a second terminal outcome for one event, or a second status change of one order, is a duplicated effect', () => {
    const twice = new Map([
      [
        1,
        { status: 'Cancelled', history: [entry('e1', 'cancelled'), entry('e1', 'already_in_target_status')] },
      ],
    ]);
    expect(computeLedger(input({ orders: twice })).counts.duplicated).toBe(1);
    const twoChanges = new Map([
      [1, { status: 'Cancelled', history: [entry('e1', 'cancelled'), entry('e2', 'cancelled')] }],
    ]);
    const result = computeLedger(
      input({
        orders: twoChanges,
        accepted: new Map([
          ['e1', 1],
          ['e2', 1],
        ]),
        published: new Set(['e1', 'e2']),
      }),
    );
    expect(result.counts.duplicated).toBe(1);
    expect(result.problems.join()).toContain('status changed 2 times');
  });

  test('a wrong final status, a missing order and an undelivered callback are all reported', () => {
    const plans = [gated(1, 'Awaiting Shipment', [5]), gated(2, 'On Hold', [2])];
    const orders = new Map<number, LedgerOrder | undefined>([
      [1, { status: 'Shipped', history: [entry('e1', 'fulfilled')] }],
      [2, undefined],
    ]);
    const { counts } = computeLedger({
      plans,
      orders,
      accepted: new Map([['e1', 1]]),
      published: new Set(['e1', 'e2']),
      deadLettered: new Set(),
    });
    expect(counts).toMatchObject({ wrongFinal: 2, undelivered: 1 });
  });

  test('a status that is right without the entry that should have made it so is not counted as success', () => {
    const orders = new Map([[1, { status: 'Cancelled', history: [entry('e1', 'status_not_configured')] }]]);
    expect(computeLedger(input({ orders })).counts.wrongFinal).toBe(1);
  });

  test('an expired deferral of an order OM did process, or no expiry for one it never processed, is a problem', () => {
    const late: OrderPlan = {
      orderId: 1,
      om: { kind: 'late', initial: 'Unprocessed', later: 'Dropship Requested' },
      bcChanges: [5],
    };
    const expired = new Map([
      [1, { status: 'Dropship Requested', history: [entry('e1', 'deferred'), entry('e1', 'expired')] }],
    ]);
    expect(computeLedger(input({ plans: [late], orders: expired })).problems.join()).toContain(
      'expired although OM processed',
    );
    const stuck: OrderPlan = { orderId: 1, om: { kind: 'stuck', initial: 'Unprocessed' }, bcChanges: [5] };
    const notExpired = new Map([
      [1, { status: 'Unprocessed', history: [entry('e1', 'no_action_for_bigcommerce_status')] }],
    ]);
    expect(computeLedger(input({ plans: [stuck], orders: notExpired })).problems.join()).toContain(
      'no event expired',
    );
    const fine = new Map([
      [1, { status: 'Unprocessed', history: [entry('e1', 'deferred'), entry('e1', 'expired')] }],
    ]);
    expect(computeLedger(input({ plans: [stuck], orders: fine })).problems).toEqual([]);
  });

  test('entries from reconcile do not stand in for a webhook event', () => {
    const orders = new Map([[1, { status: 'Cancelled', history: [entry('e1', 'cancelled', 'reconcile')] }]]);
    expect(computeLedger(input({ orders })).counts.lost).toBe(1);
  });
});

test('formatTable prints one aligned row per scenario', () => {
  const row = {
    scenario: 'x',
    orders: 1,
    events: 2,
    applied: 1,
    deferred: 0,
    expired: 0,
    deadLettered: 0,
    lost: 0,
    duplicated: 0,
    wrongFinal: 0,
    undelivered: 0,
    duplicatedChains: 0,
    bigcommerceReadsPerDeferredEvent: 1.5,
    faults: { kills: 1, copies: 0 },
    seconds: 1.25,
  };
  const lines = formatTable([row]).split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toContain('dead-lettered');
  expect(lines[2]).toContain('kills 1');
  expect(lines[2]).not.toContain('copies');
  expect(new Set(lines.map((l) => l.length)).size).toBe(1);
});

describe('deferred events: re-checks, duplicated chains, BigCommerce reads', () => {
  const late = {
    orderId: 1,
    om: { kind: 'late', initial: 'Unprocessed', later: 'On Hold' },
    bcChanges: [5],
  } as OrderPlan;
  const deferred = (attempt: number, attempts: number) => ({ ...entry('e1', 'deferred'), attempt, attempts });

  test('an outcome from the OM import re-check counts, also after an expiry', () => {
    const result = computeLedger(
      input({
        plans: [late],
        orders: new Map([
          [
            1,
            {
              status: 'Cancelled',
              history: [deferred(4, 4), entry('e1', 'expired'), entry('e1', 'cancelled', 'om_import')],
            },
          ],
        ]),
        bigcommerceReads: new Map([[1, 2]]),
      }),
    );
    expect(result.problems).toEqual([]);
    expect(result.counts).toMatchObject({
      applied: 1,
      deferred: 1,
      lost: 0,
      duplicated: 0,
      duplicatedChains: 0,
    });
    expect(result.counts.bigcommerceReadsPerDeferredEvent).toBe(2);
  });

  test.each([
    ['one entry updated more times than there were attempts', [deferred(3, 5)]],
    ['two deferred entries for one event', [deferred(2, 2), deferred(2, 2)]],
  ])('a duplicated retry chain is counted: %s', (_name, entries) => {
    const result = computeLedger(
      input({
        plans: [late],
        orders: new Map([[1, { status: 'Cancelled', history: [...entries, entry('e1', 'cancelled')] }]]),
      }),
    );
    expect(result.counts.duplicatedChains).toBe(1);
    expect(result.problems.join('\n')).toMatch(/retry chain ran twice/);
  });
});
