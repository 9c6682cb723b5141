import type { Decision } from '../../../functions/domain/decision';
import {
  capProcessedMarks,
  expiresAtFor,
  isDuplicate,
  nextOrder,
  PROCESSED_MARKS_LIMIT,
} from '../../../functions/domain/history';
import { HISTORY_LIMIT, OUTCOMES, type OmOrder, type Outcome } from '../../../functions/domain/order';

const key = { channelId: 'ch1', orderId: 101 };
const now = new Date('2026-05-01T12:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const retention = { retentionSeconds: 7 * 86_400 };
const event = { eventId: 'evt-1', source: 'webhook' as const, attempt: 2 };

const decisions: Record<Outcome, Decision> = {
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

const stored = (overrides: Partial<OmOrder> = {}): OmOrder => ({
  ...key,
  status: 'On Hold',
  updatedAt: '2026-04-30T00:00:00.000Z',
  history: [],
  processed: {},
  version: 3,
  ...overrides,
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
