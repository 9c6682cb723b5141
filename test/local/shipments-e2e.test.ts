import type { LocalStack } from '../../local/stack';
import { apiRequest, createChannel, startTestStack, stopTestStack } from '../support/local-stack';
import { waitFor } from '../support/wait';

/**
 * Shipments and orders that need a person through the local stack (docs/contract.md sections 11 and 12): the
 * sandbox ships and changes orders as a merchant would, its callbacks (status and shipment hooks) reach
 * the real functions, and the OM order answers with its shipments and its history.
 */

interface OrderView {
  status: string | null;
  history: Array<{ outcome: string; reason?: string; bigcommerceStatusId: number | null }>;
  shipments: Array<{ shipmentId: number; trackingNumber?: string; items: unknown[] }>;
}

let stack: LocalStack;
let storeHash: string;
let channelId: string;

beforeAll(async () => {
  stack = await startTestStack();
  let saved: Response;
  ({ storeHash, channelId, saved } = await createChannel(stack, {
    hashPrefix: 'shp',
    validCancellationStatuses: ['On Hold'],
    validFulfillmentStatuses: ['Awaiting Shipment'],
  }));
  expect(saved.status).toBe(200);
  // The status hook, both shipment hooks and the delivery-exception hook, active.
  await waitFor(
    () => stack.sandbox!.hooks(storeHash).filter((h) => (h as { is_active: boolean }).is_active).length === 4,
    {
      what: 'four active hooks',
    },
  );
});
afterAll(() => stopTestStack(stack));

const api = (method: string, path: string, body?: unknown) => apiRequest(stack, method, path, body);
const order = async (orderId: number) =>
  (await (await api('GET', `/channels/${channelId}/orders/${orderId}`)).json()) as OrderView;
const importOrder = async (orderId: number, status: string) =>
  expect((await api('PUT', `/channels/${channelId}/orders/${orderId}`, { status })).status).toBe(200);
const ship = (orderId: number, items: { order_product_id: number; quantity: number }[], tracking: string) =>
  stack.sandbox!.api(storeHash, 'POST', `/v2/orders/${orderId}/shipments`, {
    order_address_id: 1,
    tracking_number: tracking,
    items,
  });
/** The order once its history has a needs_attention entry. */
const needingAttention = (orderId: number, what: string) =>
  waitFor(
    async () => {
      const o = await order(orderId);
      return o.history.some((h) => h.outcome === 'needs_attention') && o;
    },
    { what },
  );
const products = (orderId: number) =>
  stack.sandbox!.api(storeHash, 'GET', `/v2/orders/${orderId}/products`).body as { id: number }[];

test('a partial shipment shows its shipment and keeps the status; the last one fulfils with both', async () => {
  await importOrder(301, 'Awaiting Shipment');
  expect((await order(301)).shipments).toEqual([]);
  stack.sandbox!.setOrderStatus(storeHash, 301, 11, [1, 1]);
  const [a, b] = products(301);
  expect(ship(301, [{ order_product_id: a!.id, quantity: 1 }], 'TRACK-A').status).toBe(201);
  const partial = await waitFor(
    async () => {
      const o = await order(301);
      return o.shipments.length === 1 && o.history.some((h) => h.outcome === 'partially_shipped') && o;
    },
    { what: 'the partial shipment' },
  );
  expect(partial.status).toBe('Awaiting Shipment');
  expect(partial.shipments[0]).toMatchObject({ trackingNumber: 'TRACK-A' });

  expect(ship(301, [{ order_product_id: b!.id, quantity: 1 }], 'TRACK-B').status).toBe(201);
  const shipped = await waitFor(
    async () => {
      const o = await order(301);
      return o.status === 'Shipped' && o.shipments.length === 2 && o;
    },
    { what: 'the fulfilment' },
  );
  expect(shipped.shipments.map((s) => s.trackingNumber)).toEqual(['TRACK-A', 'TRACK-B']);
});

test('a dispute and an un-cancel show as needs_attention with their reason; the status stays', async () => {
  await importOrder(302, 'On Hold');
  await importOrder(303, 'On Hold');
  stack.sandbox!.setOrderStatus(storeHash, 302, 11);
  stack.sandbox!.setOrderStatus(storeHash, 302, 13);
  stack.sandbox!.setOrderStatus(storeHash, 303, 11);
  stack.sandbox!.setOrderStatus(storeHash, 303, 5);
  await waitFor(async () => (await order(303)).status === 'Cancelled', { what: 'the cancellation' });
  stack.sandbox!.setOrderStatus(storeHash, 303, 11);

  const disputed = await needingAttention(302, 'the dispute');
  expect(disputed.status).toBe('On Hold');
  expect(disputed.history.at(-1)).toMatchObject({
    outcome: 'needs_attention',
    reason: 'disputed',
    bigcommerceStatusId: 13,
  });

  const uncancelled = await needingAttention(303, 'the un-cancel');
  expect(uncancelled.status).toBe('Cancelled');
  expect(uncancelled.history.at(-1)).toMatchObject({
    outcome: 'needs_attention',
    reason: 'uncancelled_in_bigcommerce',
  });
});
