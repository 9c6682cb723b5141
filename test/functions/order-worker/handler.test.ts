import { BigCommerceError } from '../../../functions/adapters/bigcommerce-client';
import { WORKER_COUNTERS } from '../../../functions/order-worker/handler';
import { lambdaContext, sqsEvent, sqsRecord } from '../../support/lambda';
import { historyEntry } from '../../support/orders';
import { makeEvent, WORKER_NOW, workerChannel, workerHarness } from './setup';

const NOW = WORKER_NOW;
const setup = workerHarness;

describe('order-worker handler (fakes)', () => {
  test('cancels an order in a ticked status: one read, one write, one BigCommerce call', async () => {
    const t = setup();
    t.given('On Hold', 5);

    await expect(t.run(makeEvent())).resolves.toEqual({ batchItemFailures: [] });

    const stored = t.orders.stored('ch1', 101)!;
    expect(stored.order.status).toBe('Cancelled');
    expect(stored.order.history).toEqual([
      historyEntry({ at: NOW.toISOString(), eventId: 'evt-1', outcome: 'cancelled' }),
    ]);
    expect(stored.expiresAt).toBeUndefined();
    expect(t.log.count('orders.')).toBe(2);
    expect(t.bigcommerce.calls).toHaveLength(1);
    expect(t.bigcommerce.orderReads[0]!.creds).toEqual({ storeHash: 'store1', accessToken: 'tok-secret-1' });
    expect(t.obs.metrics).toEqual(['OrderCancelled']);
    const processed = t.obs.logs.find((l) => l.message === 'Order event processed')!;
    expect(processed.attributes).toMatchObject({
      channelId: 'ch1',
      orderId: 101,
      eventId: 'evt-1',
      outcome: 'cancelled',
    });
    expect(JSON.stringify(t.obs.logs)).not.toContain('tok-secret-1');
  });

  test('fulfils to Shipped, and leaves an unticked status alone with the reason recorded', async () => {
    const t = setup();
    t.orders.importNow('ch1', 101, 'Awaiting Shipment');
    t.orders.importNow('ch1', 102, 'Dropship Requested');
    t.bigcommerce.setStatus('store1', 101, 10);
    t.bigcommerce.setStatus('store1', 102, 2);
    await t.run(makeEvent({ orderId: 101, eventId: 'a' }), makeEvent({ orderId: 102, eventId: 'b' }));
    expect(t.orders.stored('ch1', 101)!.order.status).toBe('Shipped');
    const left = t.orders.stored('ch1', 102)!.order;
    expect(left.status).toBe('Dropship Requested');
    expect(left.history.at(-1)).toMatchObject({
      outcome: 'status_not_configured',
      statusBefore: 'Dropship Requested',
      statusAfter: 'Dropship Requested',
    });
    expect(t.obs.metrics.sort()).toEqual(['OrderFulfilled', 'StatusNotConfigured']);
  });

  test('a payload that says cancelled while BigCommerce now says otherwise changes nothing', async () => {
    const t = setup();
    t.given('On Hold', 11);
    await t.run(makeEvent({ statusHint: { previousStatusId: 11, newStatusId: 5 } }));
    const order = t.orders.stored('ch1', 101)!.order;
    expect(order.status).toBe('On Hold');
    expect(order.history.at(-1)).toMatchObject({
      outcome: 'no_action_for_bigcommerce_status',
      bigcommerceStatusId: 11,
    });
    expect(t.obs.metrics).toEqual(['NoAction']);
  });

  test('a redelivered event is dropped before any BigCommerce call or write', async () => {
    const t = setup();
    t.given('On Hold', 5);
    await t.run(makeEvent());
    const before = t.log.entries.length;
    await t.run(makeEvent());
    expect(t.log.entries.slice(before)).toEqual(['orders.get 101']);
    expect(t.orders.stored('ch1', 101)!.order.history).toHaveLength(1);
    expect(t.obs.metrics).toEqual(['OrderCancelled', WORKER_COUNTERS.duplicate]);
  });

  test('defers an unprocessed order: sends attempt + 1 first, then records the deferral', async () => {
    const t = setup();
    t.given('Unprocessed', 5);
    await t.run(makeEvent({ attempt: 2 }));

    expect(t.log.entries.filter((e) => /queue|write/.test(e))).toEqual([
      'queue.send 101',
      'orders.write 101',
    ]);
    expect(t.queue.sends).toEqual([{ event: makeEvent({ attempt: 3 }), delaySeconds: 120 }]);
    const order = t.orders.stored('ch1', 101)!.order;
    expect(order.status).toBe('Unprocessed');
    expect(order.history.at(-1)).toMatchObject({ outcome: 'deferred', attempt: 2 });
    expect(order.processed['evt-1']).toMatchObject({ attempt: 2, terminal: false });
    expect(t.obs.metrics).toEqual(['Deferred']);

    // The chain message is not a duplicate; a second copy of the deferred attempt is.
    await t.run(makeEvent({ attempt: 2 }));
    expect(t.obs.metrics).toEqual(['Deferred', WORKER_COUNTERS.duplicate]);
  });

  test('an order OM has not imported gets an item with a TTL; once imported, the next attempt applies', async () => {
    const t = setup();
    t.bigcommerce.setStatus('store1', 101, 5);
    await t.run(makeEvent());
    const first = t.orders.stored('ch1', 101)!;
    expect(first.order.status).toBeUndefined();
    expect(first.expiresAt).toBe(NOW.getTime() / 1000 + 7 * 86_400);
    expect(first.order.history[0]).toMatchObject({
      outcome: 'deferred',
      statusBefore: null,
      statusAfter: null,
    });

    t.orders.importNow('ch1', 101, 'Awaiting Payment');
    await t.run(t.queue.sends[0]!.event);
    const after = t.orders.stored('ch1', 101)!;
    expect(after.order.status).toBe('Cancelled');
    expect(after.expiresAt).toBeUndefined();
    expect(after.order.history.map((h) => [h.outcome, h.attempt])).toEqual([
      ['deferred', 1],
      ['cancelled', 2],
    ]);
  });

  test('if the deferral cannot be sent, nothing is recorded and the record fails', async () => {
    const t = setup();
    t.given('Unprocessed', 5);
    t.queue.failures = 1;
    const record = sqsRecord(makeEvent());
    const result = await t.handler(sqsEvent(record));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(t.orders.stored('ch1', 101)!.order.history).toHaveLength(0);
    expect(t.obs.metrics).toEqual([WORKER_COUNTERS.failed]);
  });

  test('waits longer than 900 s are chained with notBefore and sent on until due', async () => {
    const t = setup({ policy: { delaysSeconds: [2000], maxAgeSeconds: 86_400 } });
    t.bigcommerce.setStatus('store1', 101, 5);
    await t.run(makeEvent());
    const chained = t.queue.sends[0]!;
    expect(chained.delaySeconds).toBe(900);
    expect(chained.event.notBefore).toBe(new Date(NOW.getTime() + 2000_000).toISOString());

    // 900 s later it arrives early: sent on for the remaining 1100 s (capped at 900), nothing else.
    t.setNow(new Date(NOW.getTime() + 900_000));
    const calls = t.bigcommerce.orderReads.length;
    await t.run(chained.event);
    expect(t.queue.sends[1]).toEqual({ event: chained.event, delaySeconds: 900 });
    expect(t.bigcommerce.orderReads).toHaveLength(calls);
    expect(t.obs.metricCount(WORKER_COUNTERS.waitChained)).toBe(1);

    // Once due it is processed on the read kept from attempt 1 (OM still waits), and its own deferral
    // carries a fresh notBefore.
    t.setNow(new Date(NOW.getTime() + 2000_000));
    await t.run(chained.event);
    expect(t.bigcommerce.orderReads).toHaveLength(calls);
    expect(t.queue.sends[2]!.event).toMatchObject({
      attempt: 3,
      notBefore: new Date(NOW.getTime() + 4000_000).toISOString(),
    });
  });

  test('expires once the event is older than the maximum age', async () => {
    const t = setup();
    t.bigcommerce.setStatus('store1', 101, 5);
    t.setNow(new Date(Date.parse(makeEvent().receivedAt) + 86_400_001));
    await t.run(makeEvent({ attempt: 30 }));
    expect(t.queue.sends).toHaveLength(0);
    expect(t.orders.stored('ch1', 101)!.order.history[0]).toMatchObject({ outcome: 'expired', attempt: 30 });
    expect(t.obs.metrics).toEqual(['Expired']);
  });

  test('on a write conflict it reads and decides again', async () => {
    const t = setup();
    t.given('Unprocessed', 5);
    // OM processes the order between our read and our write.
    let once = true;
    t.orders.beforeWrite = () => {
      if (once) t.orders.importNow('ch1', 101, 'On Hold');
      once = false;
    };
    await expect(t.run(makeEvent())).resolves.toEqual({ batchItemFailures: [] });
    const order = t.orders.stored('ch1', 101)!.order;
    expect(order.status).toBe('Cancelled');
    expect(order.history.map((h) => h.outcome)).toEqual(['cancelled']);
    // The deferral went out before the conflict; its message will be dropped as a duplicate.
    expect(t.queue.sends).toHaveLength(1);
    expect(t.bigcommerce.orderReads).toHaveLength(1);
    expect(t.obs.metrics).toEqual([WORKER_COUNTERS.writeConflict, 'OrderCancelled']);
    await t.run(t.queue.sends[0]!.event);
    expect(t.obs.metricCount(WORKER_COUNTERS.duplicate)).toBe(1);
  });

  test('a conflict caused by the same event processed elsewhere ends as a duplicate', async () => {
    const t = setup();
    t.given('On Hold', 5);
    t.orders.beforeWrite = (order) => {
      t.orders.beforeWrite = undefined;
      const key = 'ch1/101';
      t.orders.items.set(key, { order: { ...order, version: order.version } });
    };
    await t.run(makeEvent());
    expect(t.obs.metrics).toEqual([WORKER_COUNTERS.writeConflict, WORKER_COUNTERS.duplicate]);
    expect(t.orders.stored('ch1', 101)!.order.history).toHaveLength(1);
  });

  test('gives up after 3 conflicting writes: the record fails so SQS retries it', async () => {
    const t = setup();
    t.given('On Hold', 5);
    t.orders.beforeWrite = () => t.orders.importNow('ch1', 101, 'On Hold');
    const record = sqsRecord(makeEvent());
    const result = await t.handler(sqsEvent(record));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(t.log.count('orders.write')).toBe(3);
    expect(t.obs.metricCount(WORKER_COUNTERS.failed)).toBe(1);
    expect(t.obs.logs.find((l) => l.level === 'error')!.attributes).toMatchObject({
      channelId: 'ch1',
      orderId: 101,
      eventId: 'evt-1',
      outcome: 'failed',
    });
  });

  test('partial batch failure: only the failing record is reported; malformed ones are dropped', async () => {
    const t = setup();
    for (const id of [101, 102, 103]) {
      t.orders.importNow('ch1', id, 'On Hold');
      t.bigcommerce.setStatus('store1', id, 5);
    }
    t.bigcommerce.failingOrders.set(102, new BigCommerceError('GET /v2/orders/102 answered 503', 503, true));
    const ok1 = sqsRecord(makeEvent({ orderId: 101, eventId: 'e1' }));
    const bad = sqsRecord(makeEvent({ orderId: 102, eventId: 'e2' }));
    const malformed = sqsRecord('{"v":1,"channelId":"ch1"');
    const invalid = sqsRecord({ ...makeEvent(), orderId: -3 });
    const result = await t.handler(sqsEvent(ok1, bad, malformed, invalid));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(t.orders.stored('ch1', 101)!.order.status).toBe('Cancelled');
    expect(t.orders.stored('ch1', 102)!.order.status).toBe('On Hold');
    expect(t.obs.metricCount(WORKER_COUNTERS.malformed)).toBe(2);
    const warnings = t.obs.logs.filter((l) => l.message === 'Dropped a malformed order event');
    expect(warnings.map((w) => w.attributes.problem)).toEqual([
      'not JSON',
      expect.stringMatching(/^orderId/),
    ]);
  });

  test('every record failing still answers with the list (no throw)', async () => {
    const t = setup();
    t.bigcommerce.errors.push(new Error('boom'));
    const record = sqsRecord(makeEvent());
    await expect(t.handler(sqsEvent(record))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
  });

  test('unknown and deleted channels are dropped without touching orders or BigCommerce', async () => {
    const t = setup();
    t.channels.items.set('gone', workerChannel({ channelId: 'gone', deletedAt: '2026-04-01T00:00:00Z' }));
    await expect(t.run(makeEvent({ channelId: 'nope' }), makeEvent({ channelId: 'gone' }))).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(t.log.count('orders.')).toBe(0);
    expect(t.bigcommerce.calls).toHaveLength(0);
    expect(t.obs.metricCount(WORKER_COUNTERS.unknownChannel)).toBe(2);
  });

  test('channel settings and credentials are cached across events', async () => {
    const t = setup();
    for (const id of [101, 102, 103]) t.bigcommerce.setStatus('store1', id, 11);
    await t.run(makeEvent({ orderId: 101, eventId: 'a' }));
    await t.run(makeEvent({ orderId: 102, eventId: 'b' }), makeEvent({ orderId: 103, eventId: 'c' }));
    expect(t.log.count('channels.get')).toBe(1);
    expect(t.log.count('secrets.get')).toBe(1);
  });

  test('a missing channel is not cached: it is seen as soon as it exists', async () => {
    const t = setup();
    t.bigcommerce.setStatus('store2', 101, 11);
    await t.run(makeEvent({ channelId: 'new' }));
    t.channels.items.set('new', workerChannel({ channelId: 'new', storeHash: 'store2' }));
    t.secrets.items.set('new', { accessToken: 't', webhookToken: 'w' });
    await t.run(makeEvent({ channelId: 'new' }));
    expect(t.obs.metrics).toEqual([WORKER_COUNTERS.unknownChannel, 'NoAction']);
  });

  test('a 401 from BigCommerce drops the cached credentials so the next try reads them again', async () => {
    const t = setup();
    t.bigcommerce.setStatus('store1', 101, 11);
    t.bigcommerce.errors.push(new BigCommerceError('GET /v2/orders/{id} answered 401', 401, false));
    await t.run(makeEvent());
    await t.run(makeEvent());
    expect(t.log.count('secrets.get')).toBe(2);
    expect(t.obs.metrics).toEqual([WORKER_COUNTERS.failed, 'NoAction']);
  });

  test('a channel without credentials fails the record (dead-lettered eventually, replayable)', async () => {
    const t = setup();
    t.secrets.items.clear();
    const result = await t.run(makeEvent());
    expect(result.batchItemFailures).toHaveLength(1);
    expect(t.obs.logs.find((l) => l.level === 'error')!.attributes.error).toMatch(/MissingCredentialsError/);
  });

  test('a BigCommerce 404 is recorded once and not retried', async () => {
    const t = setup();
    t.orders.importNow('ch1', 101, 'On Hold');
    await expect(t.run(makeEvent())).resolves.toEqual({ batchItemFailures: [] });
    expect(t.orders.stored('ch1', 101)!.order.history.at(-1)).toMatchObject({
      outcome: 'bigcommerce_order_not_found',
      bigcommerceStatusId: null,
    });
    expect(t.obs.metrics).toEqual(['BigCommerceOrderNotFound']);
  });

  test('passes a deadline inside the Lambda time left, and counts throttling', async () => {
    const t = setup({ deadlineMarginMs: 1_000 });
    t.bigcommerce.setStatus('store1', 101, 11);
    t.bigcommerce.throttles = 2;
    const before = Date.now();
    await t.handler(sqsEvent(sqsRecord(makeEvent())), lambdaContext(10_000));
    const deadline = t.bigcommerce.orderReads[0]!.options!.deadline!;
    expect(deadline).toBeGreaterThanOrEqual(before + 9_000 - 50);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 9_000);
    expect(t.obs.metricCount(WORKER_COUNTERS.throttled)).toBe(2);
  });
});
