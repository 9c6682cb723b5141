import {
  buildOrderEvent,
  decideCallback,
  deriveEventId,
  isOrderScope,
  isShipmentScope,
  parseCallback,
  WEBHOOK_ID_PATTERN,
  type Callback,
} from '../../../functions/domain/callback';
import { orderEventSchema } from '../../../functions/domain/order-event';
import { callbackExample, callbackExampleFiles } from '../../support/bigcommerce-fixtures';

const examples = callbackExampleFiles().map((f) => [f, callbackExample(f.replace(/\.json$/, ''))] as const);

const statusUpdated = (): Record<string, unknown> => ({
  scope: 'store/order/statusUpdated',
  store_id: '1025646',
  producer: 'stores/abc123',
  hash: '7ee67cd1cf2ca60bc1aa9e5fe957d2de373be4ca',
  created_at: 1561479335,
  data: { type: 'order', id: 250, status: { previous_status_id: 0, new_status_id: 11 } },
});

const parsed = (body: unknown): Callback => {
  const result = parseCallback(body);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.callback;
};

// A fake digest keeps the domain test about the derivation rule, not about SHA-256.
const fakeSha = (text: string) => `sha(${text})`;

describe('parseCallback', () => {
  test('the documented examples are all there', () => {
    expect(examples.map(([f]) => f)).toEqual(
      expect.arrayContaining(['store_order_statusUpdated.json', 'store_shipment_created.json']),
    );
    expect(examples.length).toBeGreaterThanOrEqual(9);
  });

  test.each(examples)('accepts the documented example %s', (_file, body) => {
    expect(parseCallback(body).ok).toBe(true);
  });

  test('accepts a statusUpdated payload without created_at and data.status', () => {
    const body = statusUpdated();
    delete body.created_at;
    body.data = { type: 'order', id: 250 };
    expect(parsed(body).data.status).toBeUndefined();
  });

  test('accepts store_id as a number and keeps unknown fields', () => {
    const callback = parsed({ ...statusUpdated(), store_id: 1025646, extra: { a: 1 } });
    expect(callback.store_id).toBe(1025646);
    expect((callback as Record<string, unknown>).extra).toEqual({ a: 1 });
  });

  const bad: [string, (b: Record<string, unknown>) => unknown, string][] = [
    ['not an object', () => [], 'body'],
    ['null', () => null, 'body'],
    ['missing scope', (b) => ({ ...b, scope: undefined }), 'scope'],
    ['empty scope', (b) => ({ ...b, scope: '' }), 'scope'],
    ['store_id boolean', (b) => ({ ...b, store_id: true }), 'store_id'],
    ['store_id empty', (b) => ({ ...b, store_id: '' }), 'store_id'],
    ['missing producer', (b) => ({ ...b, producer: undefined }), 'producer'],
    ['missing hash', (b) => ({ ...b, hash: undefined }), 'hash'],
    ['created_at a string', (b) => ({ ...b, created_at: 'yesterday' }), 'created_at'],
    ['missing data', (b) => ({ ...b, data: undefined }), 'data'],
    ['data a string', (b) => ({ ...b, data: 'x' }), 'data'],
    ['order without data.id', (b) => ({ ...b, data: { type: 'order' } }), 'data.id'],
    ['order id zero', (b) => ({ ...b, data: { id: 0 } }), 'data.id'],
    ['order id negative', (b) => ({ ...b, data: { id: -3 } }), 'data.id'],
    ['order id fractional', (b) => ({ ...b, data: { id: 2.5 } }), 'data.id'],
    ['order id a string', (b) => ({ ...b, data: { id: '250' } }), 'data.id'],
    ['status not an object', (b) => ({ ...b, data: { id: 1, status: 'Shipped' } }), 'data.status'],
    [
      'status id not an integer',
      (b) => ({ ...b, data: { id: 1, status: { new_status_id: 'two' } } }),
      'data.status.new_status_id',
    ],
  ];
  test.each(bad)('rejects %s, naming the field', (_name, mutate, field) => {
    const result = parseCallback(mutate(statusUpdated()));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toContain(field);
  });

  test('non-order scopes do not need an order id (shipment ids, cart uuids)', () => {
    expect(
      parseCallback({ ...statusUpdated(), scope: 'store/cart/created', data: { id: 'a-uuid' } }).ok,
    ).toBe(true);
  });
});

describe('decideCallback', () => {
  /** Acted-on examples → the order they name (a shipment names it in `data.orderId`). */
  const actedOn: Record<string, number> = {
    'store_order_statusUpdated.json': 250,
    'store_shipment_created.json': 251,
    'store_shipment_updated.json': 251,
  };
  test.each(examples)('%s: statusUpdated and shipment created/updated are acted on', (file, body) => {
    const decision = decideCallback(parsed(body));
    const orderId = actedOn[file];
    if (orderId !== undefined) expect(decision).toEqual({ kind: 'enqueue', orderId });
    else expect(decision).toEqual({ kind: 'ignore', reason: 'scope_not_acted_on' });
  });

  test('shipment callbacks need the order id in data.orderId, naming the field', () => {
    for (const orderId of [undefined, 0, 'x', 1.5]) {
      const body = {
        ...statusUpdated(),
        scope: 'store/shipment/updated',
        data: { type: 'shipment', id: 12, orderId },
      };
      const result = parseCallback(body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual(['data.orderId']);
    }
  });

  test('isShipmentScope', () => {
    expect(isShipmentScope('store/shipment/created')).toBe(true);
    expect(isShipmentScope('store/order/statusUpdated')).toBe(false);
  });

  test('isOrderScope', () => {
    expect(isOrderScope('store/order/statusUpdated')).toBe(true);
    expect(isOrderScope('store/order/refund/created')).toBe(true);
    expect(isOrderScope('store/shipment/created')).toBe(false);
    expect(isOrderScope('store/orders')).toBe(false);
  });
});

describe('deriveEventId', () => {
  test('the signed webhook-id wins', () => {
    expect(deriveEventId({ signedWebhookId: 'msg_1', hash: 'h', orderId: 1 }, fakeSha)).toBe('msg_1');
  });
  test('else a digest of hash, created_at and order id, stable across redeliveries', () => {
    const a = deriveEventId({ hash: 'abc', createdAt: 1561479335, orderId: 250 }, fakeSha);
    expect(a).toBe('h:sha(["abc",1561479335,250])');
    expect(deriveEventId({ hash: 'abc', createdAt: 1561479335, orderId: 250 }, fakeSha)).toBe(a);
  });
  test.each([
    ['another order', { hash: 'abc', createdAt: 1561479335, orderId: 251 }],
    ['one hash, another created_at', { hash: 'abc', createdAt: 1561479336, orderId: 250 }],
    ['one hash, no created_at', { hash: 'abc', orderId: 250 }],
    ['another hash', { hash: 'abd', createdAt: 1561479335, orderId: 250 }],
    ['separators cannot be shifted between fields', { hash: 'abc",1561479335', orderId: 250 }],
  ])('%s is another event', (_name, input) => {
    const a = deriveEventId({ hash: 'abc', createdAt: 1561479335, orderId: 250 }, fakeSha);
    expect(deriveEventId(input, fakeSha)).not.toBe(a);
  });
  test('WEBHOOK_ID_PATTERN accepts Standard Webhooks ids and refuses spaces, empties and long ids', () => {
    expect(WEBHOOK_ID_PATTERN.test('msg_2KWPBgLlAfxdpx2AI54pPJ85f4W')).toBe(true);
    expect(WEBHOOK_ID_PATTERN.test('')).toBe(false);
    expect(WEBHOOK_ID_PATTERN.test('a b')).toBe(false);
    expect(WEBHOOK_ID_PATTERN.test('x'.repeat(129))).toBe(false);
  });
});

describe('buildOrderEvent', () => {
  const receivedAt = new Date('2026-04-01T12:00:00.000Z');
  test('builds a valid version-1 message with the status hint', () => {
    const event = buildOrderEvent({
      callback: parsed(statusUpdated()),
      channelId: 'ch1',
      orderId: 250,
      eventId: 'msg_1',
      receivedAt,
    });
    expect(event).toEqual({
      v: 1,
      channelId: 'ch1',
      orderId: 250,
      scope: 'store/order/statusUpdated',
      eventId: 'msg_1',
      statusHint: { previousStatusId: 0, newStatusId: 11 },
      receivedAt: '2026-04-01T12:00:00.000Z',
      attempt: 1,
      source: 'webhook',
    });
    expect(orderEventSchema.parse(event)).toEqual(event);
  });
  test('omits the hint when the payload has no status, and keeps a partial one', () => {
    const noStatus = { ...statusUpdated(), data: { id: 250 } };
    const event = buildOrderEvent({
      callback: parsed(noStatus),
      channelId: 'ch1',
      orderId: 250,
      eventId: 'e',
      receivedAt,
    });
    expect(event).not.toHaveProperty('statusHint');
    expect(orderEventSchema.safeParse(event).success).toBe(true);
    const partial = { ...statusUpdated(), data: { id: 250, status: { new_status_id: 5 } } };
    expect(
      buildOrderEvent({ callback: parsed(partial), channelId: 'ch1', orderId: 250, eventId: 'e', receivedAt })
        .statusHint,
    ).toEqual({ newStatusId: 5 });
  });
});
