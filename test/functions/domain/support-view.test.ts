import {
  hookHealth,
  ordersNeedingAttention,
  parseSupportQuery,
  toSupportChannel,
  toSupportOrder,
} from '../../../functions/domain/support-view';
import { channelItem, needsAttentionItem, orderItem } from '../../support/support-items';

describe('parseSupportQuery', () => {
  it.each([
    [{}, { kind: 'overview' }],
    [{ channelId: '*', orderId: '*' }, { kind: 'overview' }],
    [{ channelId: '*', orderId: '0' }, { kind: 'overview' }],
    [
      { channelId: 'shop-1', orderId: '0' },
      { kind: 'channel', channelId: 'shop-1' },
    ],
    [{ channelId: ' ', orderId: '' }, { kind: 'overview' }],
    [{ channelId: 'shop-1' }, { kind: 'channel', channelId: 'shop-1' }],
    [
      { channelId: 'shop-1', orderId: '*' },
      { kind: 'channel', channelId: 'shop-1' },
    ],
    [
      { channelId: 'shop-1', orderId: '123' },
      { kind: 'order', channelId: 'shop-1', orderId: 123 },
    ],
  ])('%j → %j', (input, query) => {
    expect(parseSupportQuery(input)).toEqual({ ok: true, query });
  });

  it.each([
    [{ channelId: 'a b' }, ['channelId']],
    [{ channelId: 'shop-1', orderId: '12x' }, ['orderId']],
    [{ channelId: 'shop-1', orderId: '-1' }, ['orderId']],
    [{ orderId: '123' }, ['channelId']],
    [{ channelId: '<script>', orderId: '-1' }, ['channelId', 'orderId']],
  ])('%j is refused, naming %j', (input, fields) => {
    const parsed = parseSupportQuery(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => e.field)).toEqual(fields);
  });
});

describe('toSupportChannel', () => {
  it('keeps settings and hook state and drops every other field (secrets included)', () => {
    const item = channelItem();
    const { accessToken: _a, webhookToken: _w, createdAt: _c, updatedAt: _u, ...settingsAndHook } = item;
    expect(toSupportChannel(item)).toEqual({ ...settingsAndHook, health: { state: 'healthy' } });
  });

  it.each([
    ['hook', { lastDeliveryException: { at: '2026-11-30T11:00:00.000Z', errorCode: 90001 } }],
    ['webhook', { lastDeliveryException: { at: '2026-11-30T11:00:00.000Z', errorCode: 90001 } }],
  ])('reads a delivery exception recorded under %s', (where, value) => {
    const item = channelItem();
    const channel = toSupportChannel(
      where === 'hook'
        ? { ...item, hook: { ...(item.hook as object), ...value } }
        : { ...item, webhook: value },
    );
    expect(channel.lastDeliveryException).toEqual({ at: '2026-11-30T11:00:00.000Z', errorCode: 90001 });
  });
});

describe('hookHealth', () => {
  const base = (over: Record<string, unknown>) => {
    const { health: _ignored, ...rest } = toSupportChannel(channelItem(over));
    return rest;
  };
  it.each([
    ['healthy hook', {}, 'healthy'],
    [
      'no status selected',
      { validCancellationStatuses: [], validFulfillmentStatuses: [], hook: undefined },
      'not_wanted',
    ],
    ['deleted channel', { deletedAt: '2026-11-30T00:00:00.000Z', hook: undefined }, 'not_wanted'],
    ['no hook yet', { hook: undefined }, 'unhealthy'],
    ['inactive hook', { hook: { hookId: 42, isActive: false } }, 'unhealthy'],
    ['failed check', { hook: { hookId: 42, isActive: true, lastError: 'BigCommerce 500' } }, 'unhealthy'],
    [
      'delivery exception after the last check',
      { lastDeliveryException: { at: '2026-11-30T11:00:00.000Z', errorCode: 90002 } },
      'unhealthy',
    ],
    [
      'delivery exception before the last check',
      { lastDeliveryException: { at: '2026-11-30T09:00:00.000Z', errorCode: 90002 } },
      'healthy',
    ],
  ])('%s', (_name, over, state) => {
    expect(hookHealth(base(over)).state).toBe(state);
  });
});

describe('toSupportOrder', () => {
  it('keeps status, every history entry (with reason and source) and shipments; drops processed marks', () => {
    const order = toSupportOrder(orderItem());
    expect(order.status).toBe('Shipped');
    expect(order.history.map((e) => [e.source, e.outcome, e.bigcommerceStatusId])).toEqual([
      ['webhook', 'deferred', 11],
      ['om_import', 'partially_shipped', 3],
      ['webhook', 'fulfilled', 2],
    ]);
    expect(order.shipments[0]).toMatchObject({
      trackingNumber: '1Z999AA10123456784',
      items: [{ orderProductId: 501, quantity: 2 }],
    });
    expect(order).not.toHaveProperty('processed');
  });

  it('shows an order OM has not imported, without shipments, as status null and no shipments', () => {
    expect(toSupportOrder(orderItem({ status: undefined, shipments: undefined }))).toMatchObject({
      status: null,
      shipments: [],
    });
  });
});

describe('ordersNeedingAttention', () => {
  it('lists orders whose latest entry is needs_attention, newest first, up to the limit', () => {
    const orders = [
      toSupportOrder(orderItem()),
      toSupportOrder(needsAttentionItem(200, 'disputed', '2026-11-30T08:00:00.000Z')),
      toSupportOrder(needsAttentionItem(201, 'uncancelled_in_bigcommerce', '2026-11-30T12:00:00.000Z')),
      toSupportOrder(needsAttentionItem(202, 'archived_in_bigcommerce', '2026-11-30T10:00:00.000Z')),
    ];
    expect(ordersNeedingAttention(orders, 2).map((o) => o.orderId)).toEqual([201, 202]);
  });
});
