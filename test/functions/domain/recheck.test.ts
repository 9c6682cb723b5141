import { decide, type DecisionChannel } from '../../../functions/domain/decision';
import type { OmOrder, PendingEvent } from '../../../functions/domain/order';
import { needsRecheck, recheckMessage, recheckOrder, RECHECK_SCOPE } from '../../../functions/domain/recheck';
import { OM_STATUSES, type OmStatus } from '../../../functions/domain/statuses';
import { makeOrder } from '../../support/orders';

const channel: DecisionChannel = {
  validCancellationStatuses: ['On Hold', 'Awaiting Payment'],
  validFulfillmentStatuses: ['Awaiting Shipment'],
};
const policy = { delaysSeconds: [60], maxAgeSeconds: 86_400 };
const now = new Date('2026-05-04T12:00:00.000Z');
const options = { retentionSeconds: 7 * 86_400 };
const fresh = { statusId: 5, dateModified: '2026-05-04T11:59:00.000Z' };

const pendingEvent = (receivedAt: string, expired = false): PendingEvent => ({
  receivedAt,
  source: 'webhook',
  attempt: 4,
  at: Math.floor(now.getTime() / 1000) - 60,
  expired,
  read: { statusId: 5, dateModified: '2026-05-01T09:00:00.000Z' },
});

const order = (status: OmStatus | undefined, pending: Record<string, PendingEvent>): OmOrder =>
  makeOrder({
    channelId: 'ch1',
    orderId: 7,
    ...(status ? { status } : {}),
    updatedAt: '2026-05-01T09:00:00.000Z',
    processed: Object.fromEntries(
      Object.keys(pending).map((id) => [id, { at: 1, attempt: 4, terminal: false }]),
    ),
    pending,
    version: 9,
  });

describe('recheckOrder: every OM status × pending or expired', () => {
  const cases = OM_STATUSES.flatMap((status) => [false, true].map((expired) => [status, expired] as const));
  test.each(cases)('OM %s, expired %s', (status, expired) => {
    const read = order(status, { e1: pendingEvent('2026-05-01T09:00:00.000Z', expired) });
    const result = recheckOrder(read, channel, fresh, now, policy, options);
    if (status === 'Unprocessed') {
      expect(result).toBeUndefined();
      return;
    }
    // The same rules as a webhook on a processed order: the decision of section 4 on the fresh read.
    const expected = decide(channel, fresh, { status }, { ...read.pending!.e1!, attempt: 5 }, now, policy);
    expect(result!.decisions).toEqual([{ eventId: 'e1', decision: expected }]);
    expect(result!.order.history).toEqual([
      expect.objectContaining({ eventId: 'e1', source: 'om_import', outcome: expected.outcome, attempt: 5 }),
    ]);
    expect(result!.order.status).toBe(expected.statusAfter);
    expect(result!.order.pending).toBeUndefined();
    expect(result!.order.processed.e1).toMatchObject({ terminal: true, attempt: 5 });
    expect(result!.order.version).toBe(10);
  });

  test('several events: oldest first, each on the status the previous one left, one version step', () => {
    const read = order('On Hold', {
      late: pendingEvent('2026-05-02T09:00:00.000Z'),
      early: pendingEvent('2026-05-01T09:00:00.000Z', true),
    });
    const result = recheckOrder(read, channel, fresh, now, policy, options)!;
    expect(result.decisions.map((d) => [d.eventId, d.decision.outcome])).toEqual([
      ['early', 'cancelled'],
      ['late', 'already_in_target_status'],
    ]);
    expect(result.order.version).toBe(10);
    expect(result.order.bigcommerceDateModified).toBe(fresh.dateModified);
  });

  test('BigCommerce no longer knows the order: recorded, not retried', () => {
    const result = recheckOrder(
      order('On Hold', { e1: pendingEvent(now.toISOString()) }),
      channel,
      undefined,
      now,
      policy,
      options,
    )!;
    expect(result.decisions[0]!.decision.outcome).toBe('bigcommerce_order_not_found');
    expect(result.order.pending).toBeUndefined();
  });

  test('nothing pending: nothing to do', () => {
    expect(recheckOrder(order('On Hold', {}), channel, fresh, now, policy, options)).toBeUndefined();
  });
});

describe('needsRecheck and recheckMessage', () => {
  test.each([
    [undefined, true, false],
    ['Unprocessed', true, false],
    ['On Hold', true, true],
    ['Cancelled', true, true],
    ['On Hold', false, false],
  ] as const)('OM %s, pending %s → %s', (status, pending, expected) => {
    const o = order(status, pending ? { e1: pendingEvent(now.toISOString()) } : {});
    expect(needsRecheck(o)).toBe(expected);
    const message = recheckMessage(o, now);
    if (!expected) expect(message).toBeUndefined();
    else
      expect(message).toEqual({
        v: 1,
        channelId: 'ch1',
        orderId: 7,
        scope: RECHECK_SCOPE,
        eventId: 'om-import:7:9',
        receivedAt: now.toISOString(),
        attempt: 1,
        source: 'om_import',
      });
  });
});
