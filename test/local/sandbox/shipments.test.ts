/**
 * Order shipments and archiving in the sandbox: answers in BigCommerce's published shipment shapes
 * (test/fixtures/bigcommerce), shipments consume order products and move the order to Partially Shipped
 * (3) or Shipped (2), every edit moves `date_modified`, and the matching callbacks are delivered.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server';
import {
  documentedShipmentFields,
  shipmentCallbackExample,
  shipmentExamples,
  shipmentSchemaErrors,
} from '../../support/bigcommerce-shipments';

// Kept apart from ./support, which loads the OpenAPI files: this suite needs only the shipment fixtures.
interface Res {
  status: number;
  text: string;
  body: unknown;
}
const call = async (
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<Res> => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers['x-auth-token'] = init.token;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, text, body: text ? (JSON.parse(text) as unknown) : undefined };
};
/** Keys (recursively) of a callback, values ignored. */
const keysOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null
    ? Object.fromEntries(
        Object.entries(value)
          .map(([k, v]) => [k, keysOf(v)])
          .sort(),
      )
    : typeof value;

const TOKEN = 'token-shipments';
const T0 = Date.parse('2026-03-01T10:00:00Z');

let sb: Sandbox;
let receiver: Server;
let clock = T0;
let storeCount = 0;
let store = '';
const api = (path: string) => `${sb.url}/stores/${store}${path}`;

beforeAll(async () => {
  sb = await startSandbox({ port: 0, timeScale: 0.001, rateLimit: false, now: () => clock });
  receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await sb.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(async () => {
  store = `ship${++storeCount}`;
  sb.createStore({ storeHash: store, accessToken: TOKEN, clientSecret: 'secret' });
  const hook = await call(api('/v3/hooks'), {
    method: 'POST',
    token: TOKEN,
    body: {
      scope: 'store/*',
      destination: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      is_active: true,
    },
  });
  expect(hook.status).toBe(200);
});

interface Product {
  id: number;
  quantity: number;
  quantity_shipped: number;
}
const products = async (orderId: number) =>
  (await call(api(`/v2/orders/${orderId}/products`), { token: TOKEN })).body as Product[];
const order = async (orderId: number) =>
  (await call(api(`/v2/orders/${orderId}`), { token: TOKEN })).body as Record<string, unknown>;
const ship = (orderId: number, items: { order_product_id: number; quantity: number }[], extra = {}) =>
  call(api(`/v2/orders/${orderId}/shipments`), {
    method: 'POST',
    token: TOKEN,
    body: { order_address_id: 1, items, ...extra },
  });
/** Scopes of the callbacks delivered for this store, in order. */
const delivered = async () => {
  await sb.settled();
  return sb
    .deliveries(store)
    .map((d) => JSON.parse(d.body) as { scope: string; data: Record<string, unknown> })
    .filter((c) => c.scope !== 'store/order/created');
};

describe('shipments', () => {
  it('answers 204 with no body when an order has no shipment', async () => {
    sb.setOrderStatus(store, 1, 11);
    const res = await call(api('/v2/orders/1/shipments'), { token: TOKEN });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('creates a shipment in the published shape, with every documented field', async () => {
    sb.setOrderStatus(store, 2, 11);
    const [line] = await products(2);
    const res = await ship(2, [{ order_product_id: line!.id, quantity: 1 }], {
      tracking_number: 'EJ958083578US',
      shipping_provider: 'usps',
    });
    expect(res.status).toBe(201);
    expect(shipmentSchemaErrors('item', res.body)).toEqual([]);
    expect(new Set(Object.keys(res.body as object))).toEqual(documentedShipmentFields);
    expect(keysOf(res.body)).toEqual(keysOf(shipmentExamples.collection[0])); // one item, as ours
    expect(res.body).toMatchObject({
      order_id: 2,
      tracking_number: 'EJ958083578US',
      shipping_provider: 'usps',
      date_created: 'Sun, 01 Mar 2026 10:00:00 +0000',
      items: [{ order_product_id: line!.id, quantity: 1 }],
    });
    const list = await call(api('/v2/orders/2/shipments'), { token: TOKEN });
    expect(list.status).toBe(200);
    expect(shipmentSchemaErrors('collection', list.body)).toEqual([]);
    expect(list.body).toEqual([res.body]);
  });

  it('moves the order to Partially Shipped, then Shipped as items run out, with callbacks', async () => {
    sb.setOrderStatus(store, 3, 11, [2, 1]);
    const [a, b] = await products(3);
    clock = T0 + 60_000;
    expect((await ship(3, [{ order_product_id: a!.id, quantity: 1 }])).status).toBe(201);
    expect(await order(3)).toMatchObject({
      status_id: 3,
      items_total: 3,
      items_shipped: 1,
      date_modified: 'Sun, 01 Mar 2026 10:01:00 +0000',
      date_shipped: '',
    });
    clock = T0 + 120_000;
    const last = await ship(3, [
      { order_product_id: a!.id, quantity: 1 },
      { order_product_id: b!.id, quantity: 1 },
    ]);
    expect(last.status).toBe(201);
    expect(await order(3)).toMatchObject({ status_id: 2, items_shipped: 3 });
    expect((await products(3)).map((p) => p.quantity_shipped)).toEqual([2, 1]);

    const callbacks = await delivered();
    const created = callbacks.filter((c) => c.scope === 'store/shipment/created');
    expect(created.map((c) => c.data.orderId)).toEqual([3, 3]);
    expect(keysOf(created[0])).toEqual(
      keysOf({ ...shipmentCallbackExample('store_shipment_created'), store_id: '1', producer: 'x' }),
    );
    const statuses = callbacks
      .filter((c) => c.scope === 'store/order/statusUpdated')
      .map((c) => c.data.status);
    expect(statuses).toEqual([
      { previous_status_id: 11, new_status_id: 3 },
      { previous_status_id: 3, new_status_id: 2 },
    ]);
  });

  it('refuses items that do not exist or exceed what is left to ship, changing nothing', async () => {
    sb.setOrderStatus(store, 4, 11, [1]);
    const [line] = await products(4);
    const cases = [
      [{ order_product_id: line!.id, quantity: 2 }],
      [{ order_product_id: 999_999, quantity: 1 }],
      [],
    ];
    for (const items of cases) {
      const res = await ship(4, items);
      expect(res.status).toBe(400);
      expect(res.body).toEqual([{ status: 400, message: expect.any(String) }]);
    }
    const noAddress = await call(api('/v2/orders/4/shipments'), {
      method: 'POST',
      token: TOKEN,
      body: { items: [{ order_product_id: line!.id, quantity: 1 }] },
    });
    expect(noAddress.body).toEqual([{ status: 400, message: "The field 'order_address_id' is invalid." }]);
    expect(await order(4)).toMatchObject({ status_id: 11, items_shipped: 0 });
    expect((await call(api('/v2/orders/4/shipments'), { token: TOKEN })).status).toBe(204);
  });

  it('pages the list with page and limit, 204 past the end', async () => {
    sb.setOrderStatus(store, 5, 11, [3]);
    const [line] = await products(5);
    for (let i = 0; i < 3; i++) await ship(5, [{ order_product_id: line!.id, quantity: 1 }]);
    const page2 = await call(api('/v2/orders/5/shipments?limit=2&page=2'), { token: TOKEN });
    expect(page2.status).toBe(200);
    expect((page2.body as unknown[]).length).toBe(1);
    expect((await call(api('/v2/orders/5/shipments?limit=2&page=3'), { token: TOKEN })).status).toBe(204);
    expect((await call(api('/v2/orders/5/shipments?limit=x'), { token: TOKEN })).status).toBe(400);
  });

  it('updates and deletes a shipment, moving date_modified and delivering callbacks', async () => {
    sb.setOrderStatus(store, 6, 11, [1]);
    const [line] = await products(6);
    const created = (await ship(6, [{ order_product_id: line!.id, quantity: 1 }])).body as { id: number };
    clock = T0 + 300_000;
    const put = await call(api(`/v2/orders/6/shipments/${created.id}`), {
      method: 'PUT',
      token: TOKEN,
      body: { tracking_number: '1Z999', tracking_carrier: 'ups' },
    });
    expect(put.status).toBe(200);
    expect(shipmentSchemaErrors('item', put.body)).toEqual([]);
    expect(put.body).toMatchObject({ tracking_number: '1Z999', tracking_carrier: 'ups' });
    expect((await order(6)).date_modified).toBe('Sun, 01 Mar 2026 10:05:00 +0000');

    clock = T0 + 360_000;
    const del = await call(api(`/v2/orders/6/shipments/${created.id}`), { method: 'DELETE', token: TOKEN });
    expect(del.status).toBe(204);
    expect(await order(6)).toMatchObject({
      items_shipped: 0,
      date_modified: 'Sun, 01 Mar 2026 10:06:00 +0000',
    });
    const gone = await call(api(`/v2/orders/6/shipments/${created.id}`), { token: TOKEN });
    expect(gone.status).toBe(404);
    const scopes = (await delivered()).map((c) => c.scope);
    expect(scopes).toEqual(expect.arrayContaining(['store/shipment/updated', 'store/shipment/deleted']));
  });
});

describe('archiving', () => {
  it('DELETE /v2/orders/{id} archives: is_deleted, date_modified moves, store/order/archived', async () => {
    sb.setOrderStatus(store, 7, 11);
    clock = T0 + 600_000;
    const res = await call(api('/v2/orders/7'), { method: 'DELETE', token: TOKEN });
    expect(res.status).toBe(204);
    expect(await order(7)).toMatchObject({
      is_deleted: true,
      status_id: 11,
      date_modified: 'Sun, 01 Mar 2026 10:10:00 +0000',
    });
    const archived = (await delivered()).filter((c) => c.scope === 'store/order/archived');
    expect(archived).toHaveLength(1);
    expect(keysOf(archived[0])).toEqual(keysOf(shipmentCallbackExample('store_order_archived')));
    expect(archived[0]!.data).toEqual({ type: 'order', id: 7 });
  });
});

describe('control routes', () => {
  it('creates an order with products, ships it and archives it without a token', async () => {
    const created = await call(`${sb.url}/_sandbox/stores/${store}/orders/8`, {
      method: 'PUT',
      body: { status_id: 11, products: [{ quantity: 2 }] },
    });
    expect(created.body).toMatchObject({ items_total: 2 });
    const [line] = await products(8);
    const shipped = await call(`${sb.url}/_sandbox/stores/${store}/orders/8/shipments`, {
      method: 'POST',
      body: {
        order_address_id: 1,
        tracking_number: 'T1',
        items: [{ order_product_id: line!.id, quantity: 2 }],
      },
    });
    expect(shipped.status).toBe(201);
    expect(await order(8)).toMatchObject({ status_id: 2 });
    const archived = await call(`${sb.url}/_sandbox/stores/${store}/orders/8/archive`, { method: 'POST' });
    expect(archived.body).toMatchObject({ is_deleted: true });
    const unknown = await call(`${sb.url}/_sandbox/stores/${store}/orders/999/archive`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});
