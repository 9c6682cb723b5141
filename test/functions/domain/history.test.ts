import type { Decision } from '../../../functions/domain/decision';
import {
  boundHistory,
  capProcessedMarks,
  expiresAtFor,
  isDuplicate,
  isStaleRead,
  isWaitingForOm,
  keptRead,
  nextOrder,
  PROCESSED_MARKS_LIMIT,
} from '../../../functions/domain/history';
import { HISTORY_LIMIT, OUTCOMES, type OmOrder, type Outcome } from '../../../functions/domain/order';
import { SHIPMENTS_LIMIT } from '../../../functions/domain/shipment';
import { makeOrder } from '../../support/orders';

const key = { channelId: 'ch1', orderId: 101 };
const now = new Date('2026-05-01T12:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const retention = { retentionSeconds: 7 * 86_400 };
const event = {
  eventId: 'evt-1',
  source: 'webhook' as const,
  attempt: 2,
  receivedAt: '2026-05-01T11:00:00.000Z',
};

const decisions: Record<Outcome, Decision> = {
  partially_shipped: {
    outcome: 'partially_shipped',
    bigcommerceStatusId: 3,
    statusBefore: 'Awaiting Shipment',
    statusAfter: 'Awaiting Shipment',
  },
  shipment_recorded: {
    outcome: 'shipment_recorded',
    bigcommerceStatusId: 2,
    statusBefore: 'Shipped',
    statusAfter: 'Shipped',
  },
  needs_attention: {
    outcome: 'needs_attention',
    reason: 'disputed',
    bigcommerceStatusId: 13,
    statusBefore: 'On Hold',
    statusAfter: 'On Hold',
  },
  cancelled: {
    outcome: 'cancelled',
    action: 'cancel',
    bigcommerceStatusId: 5,
    statusBefore: 'On Hold',
    statusAfter: 'Cancelled',
  },
  fulfilled: {
    outcome: 'fulfilled',
    action: 'fulfill',
    bigcommerceStatusId: 2,
    statusBefore: 'Awaiting Shipment',
    statusAfter: 'Shipped',
  },
  deferred: {
    outcome: 'deferred',
    action: 'cancel',
    delaySeconds: 60,
    bigcommerceStatusId: 5,
    statusBefore: null,
    statusAfter: null,
  },
  expired: {
    outcome: 'expired',
    action: 'cancel',
    bigcommerceStatusId: 5,
    statusBefore: 'Unprocessed',
    statusAfter: 'Unprocessed',
  },
  already_in_target_status: {
    outcome: 'already_in_target_status',
    action: 'fulfill',
    bigcommerceStatusId: 10,
    statusBefore: 'Shipped',
    statusAfter: 'Shipped',
  },
  status_not_configured: {
    outcome: 'status_not_configured',
    action: 'cancel',
    bigcommerceStatusId: 5,
    statusBefore: 'Awaiting Payment',
    statusAfter: 'Awaiting Payment',
  },
  no_action_for_bigcommerce_status: {
    outcome: 'no_action_for_bigcommerce_status',
    bigcommerceStatusId: 11,
    statusBefore: 'On Hold',
    statusAfter: 'On Hold',
  },
  bigcommerce_order_not_found: {
    outcome: 'bigcommerce_order_not_found',
    bigcommerceStatusId: null,
    statusBefore: null,
    statusAfter: null,
  },
};

// `status` right after the key, where the isDuplicate test titles have always printed it.
const stored = (overrides: Partial<OmOrder> = {}): OmOrder => ({
  ...key,
  status: 'On Hold',
  ...makeOrder({ ...key, updatedAt: '2026-04-30T00:00:00.000Z', version: 3, ...overrides }),
});

describe('nextOrder', () => {
  test('covers every outcome', () => {
    expect(Object.keys(decisions).sort()).toEqual([...OUTCOMES].sort());
  });

  test.each(OUTCOMES)('%s: one history entry, a processed mark, status and version moved on', (outcome) => {
    const decision = decisions[outcome];
    const read = stored({ status: decision.statusBefore ?? undefined });
    const next = nextOrder(key, read, decision, event, now, retention);
    expect(next.history).toEqual([
      {
        at: now.toISOString(),
        eventId: 'evt-1',
        source: 'webhook',
        bigcommerceStatusId: decision.bigcommerceStatusId,
        outcome,
        statusBefore: decision.statusBefore,
        statusAfter: decision.statusAfter,
        attempt: 2,
        ...(outcome === 'deferred' ? { attempts: 1 } : {}),
        ...(decision.outcome === 'needs_attention' ? { reason: decision.reason } : {}),
      },
    ]);
    expect(next.processed['evt-1']).toEqual({
      at: nowSeconds,
      attempt: 2,
      terminal: outcome !== 'deferred',
    });
    expect(next.status).toBe(decision.statusAfter ?? undefined);
    expect('status' in next).toBe(decision.statusAfter !== null);
    expect(next.version).toBe(4);
    expect(next.updatedAt).toBe(now.toISOString());
    expect(next).toMatchObject(key);
  });

  test('creates the first version when nothing was stored', () => {
    const next = nextOrder(key, undefined, decisions.deferred, event, now, retention);
    expect(next.version).toBe(1);
    expect(next.status).toBeUndefined();
    expect(next.history).toHaveLength(1);
  });

  test('keeps the newest HISTORY_LIMIT entries, newest last', () => {
    const history: OmOrder['history'] = Array.from({ length: HISTORY_LIMIT }, (_, i) => ({
      at: new Date(i * 1000).toISOString(),
      eventId: `old-${i}`,
      source: 'webhook',
      bigcommerceStatusId: 11,
      outcome: 'no_action_for_bigcommerce_status',
      statusBefore: 'On Hold',
      statusAfter: 'On Hold',
      attempt: 1,
    }));
    const next = nextOrder(key, stored({ history }), decisions.cancelled, event, now, retention);
    expect(next.history).toHaveLength(HISTORY_LIMIT);
    expect(next.history[0]!.eventId).toBe('old-1');
    expect(next.history.at(-1)!.eventId).toBe('evt-1');
  });

  test('prunes processed marks older than the retention and keeps the rest', () => {
    const processed = {
      stale: { at: nowSeconds - retention.retentionSeconds - 1, attempt: 1, terminal: true },
      edge: { at: nowSeconds - retention.retentionSeconds, attempt: 1, terminal: true },
      recent: { at: nowSeconds - 60, attempt: 3, terminal: false },
    };
    const next = nextOrder(key, stored({ processed }), decisions.cancelled, event, now, retention);
    expect(Object.keys(next.processed).sort()).toEqual(['edge', 'evt-1', 'recent']);
  });

  test('10,000 distinct event ids on one order keep the item far below 400 KB', () => {
    let order: OmOrder | undefined;
    for (let i = 0; i < 10_000; i += 1) {
      // Ids as long as a webhook-id may be, one second apart, all within the retention.
      const eventId = `${String(i).padStart(6, '0')}${'x'.repeat(122)}`;
      const at = new Date(now.getTime() + i * 1000);
      order = nextOrder(key, order, decisions.cancelled, { ...event, eventId }, at, retention);
      expect(Object.keys(order.processed).length).toBeLessThanOrEqual(PROCESSED_MARKS_LIMIT);
    }
    expect(Object.keys(order!.processed)).toHaveLength(PROCESSED_MARKS_LIMIT);
    expect(Buffer.byteLength(JSON.stringify(order))).toBeLessThan(100_000);
    // The newest events are still recognised as duplicates.
    expect(isDuplicate(order, `009999${'x'.repeat(122)}`, 1)).toBe(true);
    expect(
      isDuplicate(order, `${String(10_000 - PROCESSED_MARKS_LIMIT).padStart(6, '0')}${'x'.repeat(122)}`, 1),
    ).toBe(true);
    expect(isDuplicate(order, `000000${'x'.repeat(122)}`, 1)).toBe(false);
  });

  test('the cap keeps the newest marks, the later-recorded one among equals', () => {
    const mark = (at: number) => ({ at, attempt: 1, terminal: true });
    expect(capProcessedMarks({ a: mark(5), b: mark(9), c: mark(5), d: mark(1) }, 2)).toEqual({
      b: mark(9),
      c: mark(5),
    });
    const few = { a: mark(1) };
    expect(capProcessedMarks(few, 2)).toBe(few);
  });

  test('does not mutate the order it was given', () => {
    const read = stored({ processed: { a: { at: 1, attempt: 1, terminal: true } } });
    const copy = structuredClone(read);
    nextOrder(key, read, decisions.cancelled, event, now, retention);
    expect(read).toEqual(copy);
  });
});

describe('isDuplicate', () => {
  const withMark = (terminal: boolean, attempt: number) =>
    stored({ processed: { 'evt-1': { at: nowSeconds, attempt, terminal } } });

  test.each([
    ['no order', undefined, 1, false],
    ['no mark', stored(), 1, false],
    ['terminal mark, same attempt', withMark(true, 1), 1, true],
    ['terminal mark, later attempt', withMark(true, 1), 5, true],
    ['deferred mark, same attempt (redelivered copy)', withMark(false, 2), 2, true],
    ['deferred mark, earlier attempt (stale copy)', withMark(false, 3), 2, true],
    ['deferred mark, next attempt (the chain message)', withMark(false, 2), 3, false],
  ])('%s → %s', (_name, order, attempt, expected) => {
    expect(isDuplicate(order, 'evt-1', attempt)).toBe(expected);
  });

  test('other events do not count', () => {
    expect(isDuplicate(withMark(true, 1), 'evt-2', 1)).toBe(false);
  });
});

describe('expiresAtFor', () => {
  test('only items OM has not imported expire', () => {
    expect(expiresAtFor({}, now, 100)).toBe(nowSeconds + 100);
    expect(expiresAtFor({ status: 'Unprocessed' }, now, 100)).toBeUndefined();
  });
});

describe('shipments and reasons', () => {
  const shipment = { shipmentId: 7, trackingNumber: '1Z', items: [{ orderProductId: 1, quantity: 1 }] };

  test('given shipments replace the stored ones; otherwise the stored ones are kept', () => {
    const first = nextOrder(key, undefined, decisions.fulfilled, event, now, {
      ...retention,
      shipments: [shipment],
    });
    expect(first.shipments).toEqual([shipment]);
    const later = nextOrder(
      key,
      first,
      decisions.already_in_target_status,
      { ...event, eventId: 'e2' },
      now,
      retention,
    );
    expect(later.shipments).toEqual([shipment]);
    const none = nextOrder(key, undefined, decisions.cancelled, event, now, retention);
    expect(none).not.toHaveProperty('shipments');
  });

  test('keeps the newest SHIPMENTS_LIMIT shipments', () => {
    const many = Array.from({ length: SHIPMENTS_LIMIT + 5 }, (_, i) => ({ ...shipment, shipmentId: i + 1 }));
    const order = nextOrder(key, undefined, decisions.fulfilled, event, now, {
      ...retention,
      shipments: many,
    });
    expect(order.shipments).toHaveLength(SHIPMENTS_LIMIT);
    expect(order.shipments![0]!.shipmentId).toBe(6);
  });

  test('a needs_attention entry carries its reason; others carry none', () => {
    const order = nextOrder(key, undefined, decisions.needs_attention, event, now, retention);
    expect(order.history.at(-1)).toMatchObject({ outcome: 'needs_attention', reason: 'disputed' });
    expect(order.status).toBe('On Hold');
    const other = nextOrder(key, undefined, decisions.cancelled, event, now, retention);
    expect(other.history.at(-1)).not.toHaveProperty('reason');
  });
});

describe('waiting events (docs/contract.md section 10)', () => {
  const read = { statusId: 5, dateModified: '2026-05-01T10:00:00.000Z' };
  const retry = (attempt: number) => ({ ...event, attempt });
  const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  test('one deferred entry per event, updated in place with attempts and the last retry time', () => {
    let order = nextOrder(key, undefined, decisions.deferred, retry(1), now, {
      ...retention,
      bigcommerceRead: read,
    });
    const other: Decision = {
      outcome: 'no_action_for_bigcommerce_status',
      bigcommerceStatusId: 11,
      statusBefore: null,
      statusAfter: null,
    };
    order = nextOrder(key, order, other, { ...retry(1), eventId: 'evt-2' }, later(1), retention);
    for (let attempt = 2; attempt <= 12; attempt++) {
      order = nextOrder(key, order, decisions.deferred, retry(attempt), later(attempt), retention);
    }
    expect(order.history.map((h) => [h.eventId, h.outcome])).toEqual([
      ['evt-1', 'deferred'],
      ['evt-2', 'no_action_for_bigcommerce_status'],
    ]);
    expect(order.history[0]).toMatchObject({
      at: now.toISOString(),
      attempt: 12,
      attempts: 12,
      lastRetryAt: later(12).toISOString(),
    });
    // The first read stays on the pending event: the retries did not read BigCommerce.
    expect(order.pending?.['evt-1']).toEqual({
      receivedAt: event.receivedAt,
      source: 'webhook',
      attempt: 12,
      at: Math.floor(later(12).getTime() / 1000),
      expired: false,
      read,
    });
  });

  test.each([
    ['deferred', true, false],
    ['expired', true, true],
    ['cancelled', false, undefined],
    ['status_not_configured', false, undefined],
    ['bigcommerce_order_not_found', false, undefined],
  ] as const)('%s: pending %s (expired %s)', (outcome, pending, expired) => {
    const waiting = stored({
      status: 'Unprocessed',
      pending: {
        'evt-1': {
          receivedAt: event.receivedAt,
          source: 'webhook',
          attempt: 1,
          at: nowSeconds,
          expired: false,
          read,
        },
      },
    });
    const next = nextOrder(key, waiting, decisions[outcome], event, now, retention);
    expect(next.pending?.['evt-1'] !== undefined).toBe(pending);
    expect(next.pending?.['evt-1']?.expired).toBe(expired);
    if (pending) expect(next.pending?.['evt-1']?.read).toEqual(read);
  });

  test('pending events older than the retention are pruned (expired ones stay re-checkable until then)', () => {
    const pendingEvent = (at: number) => ({
      receivedAt: event.receivedAt,
      source: 'webhook' as const,
      attempt: 1,
      at,
      expired: true,
    });
    const next = nextOrder(
      key,
      stored({
        pending: {
          old: pendingEvent(nowSeconds - retention.retentionSeconds - 1),
          kept: pendingEvent(nowSeconds - 86_400 * 6),
        },
      }),
      decisions.cancelled,
      event,
      now,
      retention,
    );
    expect(Object.keys(next.pending ?? {})).toEqual(['kept']);
  });

  test('the bound drops the oldest deferred entries before any real outcome', () => {
    const entry = (i: number, outcome: Outcome): OmOrder['history'][number] => ({
      at: new Date(i * 1000).toISOString(),
      eventId: `e-${i}`,
      source: 'webhook',
      bigcommerceStatusId: 5,
      outcome,
      statusBefore: 'On Hold',
      statusAfter: 'On Hold',
      attempt: 1,
    });
    const history = Array.from({ length: HISTORY_LIMIT + 3 }, (_, i) =>
      entry(i, i % 10 === 5 ? 'deferred' : 'cancelled'),
    );
    const bounded = boundHistory(history);
    expect(bounded).toHaveLength(HISTORY_LIMIT);
    expect(bounded.map((h) => h.eventId)).not.toEqual(expect.arrayContaining(['e-5', 'e-15', 'e-25']));
    expect(bounded.filter((h) => h.outcome === 'cancelled')).toHaveLength(
      history.filter((h) => h.outcome === 'cancelled').length,
    );
    // Only real outcomes left: the oldest goes.
    expect(
      boundHistory(
        history.filter((h) => h.outcome === 'cancelled'),
        3,
      ).map((h) => h.eventId),
    ).toEqual(
      history
        .filter((h) => h.outcome === 'cancelled')
        .slice(-3)
        .map((h) => h.eventId),
    );
  });

  test.each([
    // applied watermark, read date_modified, stale?
    [undefined, '2026-05-01T10:00:00.000Z', false],
    ['2026-05-01T10:00:00.000Z', '2026-05-01T10:00:00.000Z', false],
    ['2026-05-01T10:00:00.000Z', '2026-05-01T10:00:01.000Z', false],
    ['2026-05-01T10:00:01.000Z', '2026-05-01T10:00:00.000Z', true],
  ])('applied %s, read %s → stale %s', (applied, dateModified, stale) => {
    const order = applied === undefined ? stored() : stored({ bigcommerceDateModified: applied });
    expect(isStaleRead(order, { statusId: 5, dateModified })).toBe(stale);
  });

  test('only acted-on reads move the date_modified watermark, never backwards', () => {
    const newer = { statusId: 5, dateModified: '2026-05-01T11:00:00.000Z' };
    const base = stored({ bigcommerceDateModified: '2026-05-01T10:30:00.000Z' });
    expect(
      nextOrder(key, base, decisions.deferred, event, now, { ...retention, bigcommerceRead: newer })
        .bigcommerceDateModified,
    ).toBe('2026-05-01T10:30:00.000Z');
    expect(
      nextOrder(key, base, decisions.cancelled, event, now, { ...retention, bigcommerceRead: newer })
        .bigcommerceDateModified,
    ).toBe(newer.dateModified);
    expect(
      nextOrder(key, base, decisions.cancelled, event, now, { ...retention, bigcommerceRead: read })
        .bigcommerceDateModified,
    ).toBe('2026-05-01T10:30:00.000Z');
  });

  test.each([
    [undefined, true],
    ['Unprocessed', true],
    ['On Hold', false],
    ['Cancelled', false],
  ] as const)('waiting for OM with status %s: %s', (status, waiting) => {
    expect(isWaitingForOm(status === undefined ? undefined : { status })).toBe(waiting);
    expect(isWaitingForOm(status === undefined ? {} : { status })).toBe(waiting);
  });

  test("keptRead is the pending event's read", () => {
    expect(
      keptRead(
        stored({
          pending: {
            'evt-1': {
              receivedAt: event.receivedAt,
              source: 'webhook',
              attempt: 1,
              at: 1,
              expired: false,
              read,
            },
          },
        }),
        'evt-1',
      ),
    ).toEqual(read);
    expect(keptRead(stored(), 'evt-1')).toBeUndefined();
    expect(keptRead(undefined, 'evt-1')).toBeUndefined();
  });
});
