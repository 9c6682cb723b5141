import { channelAt } from '../../support/channels';
import type { Channel } from '../../../functions/domain/channel';
import { orderEventSchema } from '../../../functions/domain/order-event';
import {
  RECONCILE_CLOCK_SKEW_MS,
  nextWatermark,
  reconcileEvent,
  reconcileFrom,
  reconcileReason,
  reconcileStatusIds,
} from '../../../functions/domain/reconcile';

const now = new Date('2026-05-02T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

const channel = (over: Partial<Channel> = {}): Channel =>
  channelAt(now, { hook: { hookId: 1, isActive: true, lastVerifiedAt: hoursAgo(1) }, ...over });

describe('reconcileReason', () => {
  test.each([
    ['healthy, ran 2 h ago', channel(), false, undefined],
    ['hook lost', channel(), true, 'hook_lost'],
    ['ran 23 h ago', channel({ reconcile: { lastRunAt: hoursAgo(23) } }), false, undefined],
    ['ran 24 h ago', channel({ reconcile: { lastRunAt: hoursAgo(24) } }), false, 'daily'],
    ['never ran', channel({ reconcile: undefined }), false, 'first_run'],
    ['never ran (empty state)', channel({ reconcile: {} }), false, 'first_run'],
    [
      'previous run failed',
      channel({ hook: { isActive: true, lastError: 'reconcile: x' } }),
      false,
      'previous_error',
    ],
    [
      'wants no hook, hook lost',
      channel({ validCancellationStatuses: [], validFulfillmentStatuses: [] }),
      true,
      undefined,
    ],
    ['tombstoned, hook lost', channel({ deletedAt: hoursAgo(1) }), true, undefined],
    ['tombstoned, never ran', channel({ deletedAt: hoursAgo(1), reconcile: undefined }), false, undefined],
  ] as const)('%s', (_name, c, hookLost, reason) => {
    expect(reconcileReason(c, { hookLost, now })).toBe(reason);
  });
});

describe('reconcileStatusIds', () => {
  test.each([
    [['On Hold'], ['On Hold'], [5], [2, 10], [5, 2, 10]],
    [['On Hold'], [], [5], [2, 10], [5]],
    [[], ['On Hold'], [5], [2, 10], [2, 10]],
    [[], [], [5], [2, 10], []],
    [['On Hold'], ['On Hold'], [5, 6], [2], [5, 6, 2]],
  ] as const)('cancel %j fulfill %j ids %j/%j → %j', (cancel, fulfill, cancelIds, fulfillIds, ids) => {
    expect(
      reconcileStatusIds(
        channel({
          validCancellationStatuses: [...cancel],
          validFulfillmentStatuses: [...fulfill],
          cancelOnBigCommerceStatusIds: [...cancelIds],
          fulfillOnBigCommerceStatusIds: [...fulfillIds],
        }),
      ),
    ).toEqual(ids);
  });
});

describe('reconcileFrom', () => {
  test('the watermark', () => expect(reconcileFrom(channel(), now)).toBe(hoursAgo(2)));
  test('one day back on the first run', () =>
    expect(reconcileFrom(channel({ reconcile: undefined }), now)).toBe(hoursAgo(24)));
  test('--since wins', () =>
    expect(reconcileFrom(channel(), now, new Date(hoursAgo(72)))).toBe(hoursAgo(72)));
});

describe('reconcileEvent', () => {
  const event = reconcileEvent({
    channelId: 'c1',
    order: { id: 42, statusId: 5, dateModified: '2026-05-02T11:00:00.000Z' },
    receivedAt: now,
  });

  test('is a valid queue message with source reconcile and attempt 1', () => {
    expect(orderEventSchema.parse(event)).toEqual({
      v: 1,
      channelId: 'c1',
      orderId: 42,
      scope: 'store/order/statusUpdated',
      eventId: 'r:42:5:2026-05-02T11:00:00.000Z',
      statusHint: { newStatusId: 5 },
      receivedAt: now.toISOString(),
      attempt: 1,
      source: 'reconcile',
    });
  });

  test('the same order change listed again has the same eventId; a new change a new one', () => {
    const again = reconcileEvent({
      channelId: 'c1',
      order: { id: 42, statusId: 5, dateModified: '2026-05-02T11:00:00.000Z' },
      receivedAt: new Date(now.getTime() + 60_000),
    });
    const changed = reconcileEvent({
      channelId: 'c1',
      order: { id: 42, statusId: 5, dateModified: '2026-05-02T11:30:00.000Z' },
      receivedAt: now,
    });
    expect(again.eventId).toBe(event.eventId);
    expect(changed.eventId).not.toBe(event.eventId);
  });
});

describe('nextWatermark', () => {
  const runStart = now;
  const skewed = new Date(now.getTime() - RECONCILE_CLOCK_SKEW_MS).toISOString();
  test('moves to the run start less the clock-skew margin', () =>
    expect(nextWatermark({ previous: hoursAgo(5), runStart })).toBe(skewed));
  test('first run', () => expect(nextWatermark({ runStart })).toBe(skewed));
  test('never moves backwards', () => {
    const ahead = new Date(now.getTime() + 5_000).toISOString();
    expect(nextWatermark({ previous: ahead, runStart })).toBe(ahead);
  });
  test('ignores a malformed previous value', () =>
    expect(nextWatermark({ previous: 'garbage', runStart })).toBe(skewed));
});
