import { BigCommerceThrottledError } from '../../../functions/adapters/bigcommerce-client';
import { WORKER_COUNTERS, type OrderWorkerDeps } from '../../../functions/order-worker/handler';
import { recheckMessage } from '../../../functions/domain/recheck';
import { makeEvent, WORKER_NOW, workerHarness } from './setup';

/** The worker while OM has not processed the order, OM's re-check, and rate limits (contract.md 10). */
const NOW = WORKER_NOW;
const policy = { delaysSeconds: [60, 120, 240, 480, 900], maxAgeSeconds: 86_400 };

function setup(overrides: Partial<OrderWorkerDeps> = {}) {
  const t = workerHarness({ policy, random: () => 0.5, ...overrides });
  return {
    ...t,
    /** Delivers the latest message sent to the queue (as SQS would, once its delay is over). */
    deliverLast: async () => {
      const last = t.queue.sends.at(-1)!;
      t.setNow(new Date(t.now().getTime() + (last.delaySeconds ?? 0) * 1000));
      return t.run(last.event);
    },
  };
}

describe('OM first while waiting', () => {
  test('a dozen retries while Unprocessed cost one BigCommerce read and one deferred entry; the retry after OM processed the order one more', async () => {
    const t = setup();
    t.given('Unprocessed', 5);
    await t.run(makeEvent());
    for (let i = 0; i < 12; i++) await t.deliverLast();
    expect(t.bigcommerce.orderReads).toHaveLength(1);
    const waiting = t.orders.stored('ch1', 101)!.order;
    expect(waiting.history).toEqual([
      expect.objectContaining({
        outcome: 'deferred',
        attempt: 13,
        attempts: 13,
        lastRetryAt: expect.any(String),
      }),
    ]);

    t.orders.importNow('ch1', 101, 'On Hold');
    await t.deliverLast();
    expect(t.bigcommerce.orderReads).toHaveLength(2);
    const done = t.orders.stored('ch1', 101)!.order;
    expect(done.status).toBe('Cancelled');
    expect(done.history.map((h) => [h.outcome, h.attempt])).toEqual([
      ['deferred', 13],
      ['cancelled', 14],
    ]);
    expect(done.pending).toBeUndefined();
  });

  test('OM processes the order while a kept-read decision is being written: a fresh read decides', async () => {
    const t = setup();
    t.given('Unprocessed', 5);
    await t.run(makeEvent());
    let once = true;
    t.orders.beforeWrite = () => {
      if (once) t.orders.importNow('ch1', 101, 'On Hold');
      once = false;
    };
    await t.deliverLast();
    expect(t.bigcommerce.orderReads).toHaveLength(2);
    expect(t.orders.stored('ch1', 101)!.order.status).toBe('Cancelled');
  });
});

describe('the re-check after OM imports the order', () => {
  async function waitingOrder(t: ReturnType<typeof setup>, expire: boolean) {
    t.bigcommerce.setStatus('store1', 101, 5);
    await t.run(makeEvent());
    if (expire) {
      t.setNow(new Date(NOW.getTime() + 3 * 86_400_000));
      await t.deliverLast();
      expect(t.orders.stored('ch1', 101)!.order.pending?.['evt-1']?.expired).toBe(true);
    }
  }

  test.each([false, true])(
    'cancels at once on one fresh read (expired before: %s), history source om_import',
    async (expire) => {
      const t = setup();
      await waitingOrder(t, expire);
      const imported = t.orders.importNow('ch1', 101, 'On Hold', NOW);
      const message = recheckMessage(imported, NOW)!;
      const reads = t.bigcommerce.orderReads.length;
      await expect(t.run(message)).resolves.toEqual({ batchItemFailures: [] });
      expect(t.bigcommerce.orderReads).toHaveLength(reads + 1);
      const order = t.orders.stored('ch1', 101)!.order;
      expect(order.status).toBe('Cancelled');
      expect(order.history.at(-1)).toMatchObject({
        eventId: 'evt-1',
        source: 'om_import',
        outcome: 'cancelled',
      });
      expect(order.pending).toBeUndefined();
      expect(t.obs.metricCount(WORKER_COUNTERS.omImportRecheck)).toBe(1);

      // The chain message still in flight, and a second re-check, find nothing to do and read nothing.
      if (!expire) await t.deliverLast();
      await t.run(message);
      expect(t.bigcommerce.orderReads).toHaveLength(reads + 1);
      expect(
        t.orders.stored('ch1', 101)!.order.history.filter((h) => h.outcome === 'cancelled'),
      ).toHaveLength(1);
    },
  );

  test('a re-check while OM still waits reads nothing and writes nothing', async () => {
    const t = setup();
    await waitingOrder(t, false);
    const version = t.orders.stored('ch1', 101)!.order.version;
    await t.run({ ...makeEvent({ eventId: 'om-import:101:1' }), source: 'om_import' });
    expect(t.bigcommerce.orderReads).toHaveLength(1);
    expect(t.orders.stored('ch1', 101)!.order.version).toBe(version);
  });
});

describe('rate limits', () => {
  test('a long 429 sends the same message back with the asked wait plus jitter; the record succeeds', async () => {
    const t = setup();
    t.orders.importNow('ch1', 101, 'On Hold');
    t.bigcommerce.errors.push(new BigCommerceThrottledError('rate limited', 30_000));
    const event = makeEvent();
    await expect(t.run(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(t.queue.sends).toEqual([{ event, delaySeconds: 33 }]);
    expect(t.orders.stored('ch1', 101)!.order.history).toEqual([]);
    expect(t.obs.metricCount(WORKER_COUNTERS.throttleRequeued)).toBe(1);

    // Once the wait is over the same message applies, once.
    t.bigcommerce.setStatus('store1', 101, 5);
    await t.deliverLast();
    expect(t.orders.stored('ch1', 101)!.order.status).toBe('Cancelled');
  });

  test('a wait longer than 900 s is chained with notBefore', async () => {
    const t = setup();
    t.bigcommerce.errors.push(new BigCommerceThrottledError('rate limited', 2_000_000));
    await t.run(makeEvent());
    expect(t.queue.sends[0]!.delaySeconds).toBe(900);
    expect(t.queue.sends[0]!.event.notBefore).toBe(new Date(NOW.getTime() + 2_003_000).toISOString());
  });

  test('a throttled re-check goes back too', async () => {
    const t = setup();
    t.bigcommerce.setStatus('store1', 101, 5);
    await t.run(makeEvent());
    const message = recheckMessage(t.orders.importNow('ch1', 101, 'On Hold'), NOW)!;
    t.bigcommerce.errors.push(new BigCommerceThrottledError('rate limited', 5_000));
    await expect(t.run(message)).resolves.toEqual({ batchItemFailures: [] });
    expect(t.queue.sends.at(-1)).toEqual({ event: message, delaySeconds: 8 });
  });
});

describe('never an older BigCommerce read than one applied', () => {
  const applied = '2026-05-01T11:00:05.000Z';
  const older = '2026-05-01T11:00:04.000Z';

  test('an older answer is read again; the newer one decides', async () => {
    const t = setup();
    t.orders.importNow('ch1', 101, 'On Hold');
    t.bigcommerce.setStatus('store1', 101, 5, applied);
    await t.run(makeEvent({ eventId: 'first' }));
    t.bigcommerce.setStatus('store1', 101, 2, older, applied);
    await t.run(makeEvent({ eventId: 'second' }));
    expect(t.bigcommerce.orderReads).toHaveLength(3);
    expect(t.orders.stored('ch1', 101)!.order.history.at(-1)).toMatchObject({
      eventId: 'second',
      bigcommerceStatusId: 2,
    });
  });

  test('still older on the second read: sent back, nothing written', async () => {
    const t = setup();
    t.orders.importNow('ch1', 101, 'On Hold');
    t.bigcommerce.setStatus('store1', 101, 11, applied);
    await t.run(makeEvent({ eventId: 'first' }));
    t.bigcommerce.setStatus('store1', 101, 5, older);
    const second = makeEvent({ eventId: 'second' });
    await expect(t.run(second)).resolves.toEqual({ batchItemFailures: [] });
    expect(t.queue.sends).toEqual([{ event: second, delaySeconds: 2 }]);
    expect(t.orders.stored('ch1', 101)!.order.status).toBe('On Hold');
    expect(t.obs.metricCount(WORKER_COUNTERS.staleRead)).toBe(1);
  });
});
