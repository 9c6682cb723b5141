/**
 * Fulfilment with shipments, partial shipments, shipment events and orders that need a person
 * (docs/contract.md sections 11 and 12), through the handler with fakes.
 */
import type { HistoryEntry } from '../../../functions/domain/order';
import { recheckMessage } from '../../../functions/domain/recheck';
import { SHIPMENTS_LIMIT } from '../../../functions/domain/shipment';
import { sqsEvent, sqsRecord } from '../../support/lambda';
import { makeEvent, WORKER_NOW, workerHarness } from './setup';

const NOW = WORKER_NOW;
const SHIPMENT = {
  shipmentId: 7,
  trackingNumber: '1Z999AA10123456784',
  trackingCarrier: 'ups',
  shippedAt: '2026-05-01T11:58:00.000Z',
  items: [{ orderProductId: 101, quantity: 1 }],
};

function setup() {
  const t = workerHarness({ policy: { delaysSeconds: [60], maxAgeSeconds: 86_400 } });
  t.secrets.items.set('ch1', { accessToken: 'tok', webhookToken: 'wh' });
  let n = 0;
  const run = (over: Parameters<typeof makeEvent>[0] = {}) =>
    t.handler(sqsEvent(sqsRecord(makeEvent({ eventId: `evt-${++n}`, ...over }))));
  const runRaw = (message: unknown) => t.handler(sqsEvent(sqsRecord(message)));
  const order = () => t.orders.stored('ch1', 101)!.order;
  const last = () => order().history.at(-1) as HistoryEntry;
  return {
    orders: t.orders,
    bigcommerce: t.bigcommerce,
    obs: t.obs,
    given: t.given,
    run,
    runRaw,
    order,
    last,
  };
}

describe('fulfilment with shipments', () => {
  test('a fulfilment stores the shipments: two BigCommerce requests in all', async () => {
    const t = setup();
    t.given('Awaiting Shipment', 2);
    t.bigcommerce.shipments.set('store1/101', [SHIPMENT]);
    await expect(t.run()).resolves.toEqual({ batchItemFailures: [] });
    expect(t.order()).toMatchObject({ status: 'Shipped', shipments: [SHIPMENT] });
    expect(t.last()).toMatchObject({ outcome: 'fulfilled' });
    expect(t.bigcommerce.orderReads.length + t.bigcommerce.shipmentReads.length).toBe(2);
  });

  test('a cancellation reads no shipments', async () => {
    const t = setup();
    t.given('On Hold', 5);
    await t.run();
    expect(t.order().status).toBe('Cancelled');
    expect(t.bigcommerce.shipmentReads).toEqual([]);
    expect(t.order()).not.toHaveProperty('shipments');
  });

  test('Partially Shipped on an order in a valid fulfilment status: shipments stored, status kept', async () => {
    const t = setup();
    t.given('Pending Fulfillment', 3);
    t.bigcommerce.shipments.set('store1/101', [SHIPMENT]);
    await t.run();
    expect(t.order()).toMatchObject({ status: 'Pending Fulfillment', shipments: [SHIPMENT] });
    expect(t.last()).toMatchObject({ outcome: 'partially_shipped', statusAfter: 'Pending Fulfillment' });
    expect(t.obs.metricCount('PartiallyShipped')).toBe(1);
  });

  test('a shipment event for an order this system shipped refreshes its shipments', async () => {
    const t = setup();
    t.given('Awaiting Shipment', 2);
    await t.run();
    expect(t.order().shipments).toEqual([]);
    t.bigcommerce.shipments.set('store1/101', [SHIPMENT]);
    await t.run({ scope: 'store/shipment/updated' });
    expect(t.order()).toMatchObject({ status: 'Shipped', shipments: [SHIPMENT] });
    expect(t.last()).toMatchObject({ outcome: 'shipment_recorded', source: 'webhook' });
    expect(t.obs.metricCount('ShipmentRecorded')).toBe(1);
  });

  test('a shipment event for an order not shipped yet is handled like a status change', async () => {
    const t = setup();
    t.given('Awaiting Shipment', 2);
    t.bigcommerce.shipments.set('store1/101', [SHIPMENT]);
    await t.run({ scope: 'store/shipment/created' });
    expect(t.order()).toMatchObject({ status: 'Shipped', shipments: [SHIPMENT] });
    expect(t.last().outcome).toBe('fulfilled');
  });
});

test('a fulfilment waiting for OM, re-checked after the import, stores the shipments too', async () => {
  const t = setup();
  t.bigcommerce.setStatus('store1', 101, 2);
  t.bigcommerce.shipments.set('store1/101', [SHIPMENT]);
  await t.run();
  expect(t.last().outcome).toBe('deferred');
  const imported = t.orders.importNow('ch1', 101, 'Awaiting Shipment', NOW);
  await expect(t.runRaw(recheckMessage(imported, NOW))).resolves.toEqual({ batchItemFailures: [] });
  expect(t.order()).toMatchObject({ status: 'Shipped', shipments: [SHIPMENT] });
  expect(t.last()).toMatchObject({ outcome: 'fulfilled', source: 'om_import' });
});

test('the re-check reads the shipments once across a write conflict, and keeps the newest SHIPMENTS_LIMIT', async () => {
  const t = setup();
  t.bigcommerce.setStatus('store1', 101, 2);
  const many = Array.from({ length: SHIPMENTS_LIMIT + 20 }, (_, i) => ({ ...SHIPMENT, shipmentId: i + 1 }));
  t.bigcommerce.shipments.set('store1/101', many);
  await t.run();
  const imported = t.orders.importNow('ch1', 101, 'Awaiting Shipment', NOW);
  // OM imports the same status again between the re-check's read and its write: the write is refused.
  let once = true;
  t.orders.beforeWrite = () => {
    if (once) t.orders.importNow('ch1', 101, 'Awaiting Shipment', NOW);
    once = false;
  };
  await expect(t.runRaw(recheckMessage(imported, NOW))).resolves.toEqual({ batchItemFailures: [] });
  expect(t.bigcommerce.shipmentReads).toEqual([101]);
  expect(t.order().status).toBe('Shipped');
  expect(t.order().shipments).toEqual(many.slice(-SHIPMENTS_LIMIT));
});

describe('orders that need a person', () => {
  test.each([
    [13, 'disputed'],
    [12, 'manual_verification_required'],
  ])('BigCommerce %i → needs_attention %s; the status stays; counted with the reason', async (id, reason) => {
    const t = setup();
    t.orders.importNow('ch1', 101, 'On Hold');
    t.bigcommerce.setStatus('store1', 101, id);
    await t.run();
    expect(t.order().status).toBe('On Hold');
    expect(t.last()).toMatchObject({ outcome: 'needs_attention', reason, bigcommerceStatusId: id });
    expect(t.obs.dimensioned).toEqual([`NeedsAttention{reason=${reason}}`]);
  });

  test('un-cancelled in BigCommerce after this system cancelled → needs_attention, still Cancelled', async () => {
    const t = setup();
    t.given('On Hold', 5);
    await t.run();
    t.bigcommerce.setStatus('store1', 101, 11);
    await t.run();
    expect(t.order().status).toBe('Cancelled');
    expect(t.last()).toMatchObject({ outcome: 'needs_attention', reason: 'uncancelled_in_bigcommerce' });
  });

  test('archived in BigCommerce → needs_attention archived_in_bigcommerce', async () => {
    const t = setup();
    t.given('Awaiting Shipment', 2);
    t.bigcommerce.deleted.add('store1/101');
    await t.run();
    expect(t.order().status).toBe('Awaiting Shipment');
    expect(t.last()).toMatchObject({ outcome: 'needs_attention', reason: 'archived_in_bigcommerce' });
    expect(t.bigcommerce.shipmentReads).toEqual([]);
  });
});
