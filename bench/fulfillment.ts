/**
 * worker_bigcommerce_requests_per_fulfillment (docs/contract.md section 11; target ≤ 2): the real wired
 * order-worker fulfils OM orders whose BigCommerce order was shipped in one shipment with a tracking
 * number, against dynalite (own process) and an in-process BigCommerce sandbox (its request log is the
 * count). Every measured event must end Shipped with its tracking stored, or the group fails.
 */
import * as rt from '../functions/common/runtime';
import type { OrderEvent } from '../functions/domain/order-event';
import { startSandbox } from '../local/sandbox/server';
import { withEnv, type GroupContext, type GroupResult } from './common';
import { standInGroup } from './group';
import { fakeContext, sqsRecord, withStdoutSunk, type SqsHandler } from './lambda';
import { pool, ratio, type Figure } from './report';

const SIZES = { quick: 50, full: 300 } as const;
const CHANNEL = 'bench-fulfil';
const STORE = 'benchfulfil';
const TOKEN = 'token-fulfil';

export function runFulfillment(ctx: GroupContext): Promise<GroupResult> {
  const count = ctx.quick ? SIZES.quick : SIZES.full;
  return standInGroup('fulfillment', [], async (stand, track) => {
    const sb = track(await startSandbox({ port: 0, rateLimit: false, timeScale: 0.001 }));
    const at = new Date();
    sb.createStore({ storeHash: STORE, accessToken: TOKEN, clientSecret: 'secret-fulfil' });
    await rt.channelStore(stand.runtime).put({
      channelId: CHANNEL,
      storeHash: STORE,
      validCancellationStatuses: ['Awaiting Shipment'],
      validFulfillmentStatuses: ['Awaiting Shipment'],
      cancelOnBigCommerceStatusIds: [5],
      fulfillOnBigCommerceStatusIds: [2, 10],
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    await rt.secretStore(stand.runtime).put(CHANNEL, {
      accessToken: TOKEN,
      clientSecret: 'secret-fulfil',
      webhookToken: 'wt-fulfil',
    });
    const orders = rt.orderStore(stand.runtime);
    // One warm-up order (fills the channel and credential caches), then the measured ones.
    const ids = Array.from({ length: count + 1 }, (_, i) => 5000 + i);
    ctx.log(`fulfillment: seeding ${ids.length} orders shipped in BigCommerce with tracking`);
    for (const id of ids) {
      sb.setOrderStatus(STORE, id, 11, [2, 1]);
      const products = sb.api(STORE, 'GET', `/v2/orders/${id}/products`).body as { id: number }[];
      const shipped = sb.api(STORE, 'POST', `/v2/orders/${id}/shipments`, {
        order_address_id: 1,
        tracking_number: `1Z${id}`,
        tracking_carrier: 'ups',
        items: products.map((p, i) => ({ order_product_id: p.id, quantity: i === 0 ? 2 : 1 })),
      });
      if (shipped.status !== 201)
        throw new Error(`could not ship order ${id}: ${JSON.stringify(shipped.body)}`);
    }
    await pool(ids.length, 16, (i) => orders.importStatus(CHANNEL, ids[i]!, 'Awaiting Shipment', at));

    return await withEnv(
      { ...stand.env, BIGCOMMERCE_API_URL: sb.url, POWERTOOLS_LOG_LEVEL: 'WARN' },
      async () => {
        const { wire } = await import('../functions/order-worker/handler');
        const handler = wire(process.env) as unknown as SqsHandler;
        const events = ids.map((orderId): OrderEvent => ({
          v: 1,
          channelId: CHANNEL,
          orderId,
          scope: 'store/order/statusUpdated',
          eventId: `bench-fulfil-${orderId}`,
          receivedAt: at.toISOString(),
          attempt: 1,
          source: 'webhook',
        }));
        const [warm, ...measured] = events;
        let failures = 0;
        const invoke = async (batch: OrderEvent[]) => {
          const answer = await handler(
            { Records: batch.map((e) => sqsRecord(e)) },
            fakeContext('order-worker', 30_000),
          );
          failures += answer.batchItemFailures.length;
        };
        const { result: requests } = await withStdoutSunk(async () => {
          await invoke([warm!]);
          const mark = sb.requests.length;
          for (let i = 0; i < measured.length; i += 10) await invoke(measured.slice(i, i + 10));
          return sb.requests.slice(mark);
        });

        let applied = 0;
        await pool(measured.length, 16, async (i) => {
          const order = await orders.get(CHANNEL, measured[i]!.orderId);
          const fulfilled = order?.history.some((h) => h.outcome === 'fulfilled');
          const tracked = order?.shipments?.[0]?.trackingNumber === `1Z${measured[i]!.orderId}`;
          if (order?.status === 'Shipped' && fulfilled && tracked) applied++;
        });
        if (applied !== measured.length || failures > 0)
          throw new Error(
            `worker fulfilled ${applied} of ${measured.length} orders with tracking (${failures} batch item failures)`,
          );
        const shipmentReads = requests.filter((r) => r.path.endsWith('/shipments')).length;
        const figure: Figure = {
          name: 'worker_bigcommerce_requests_per_fulfillment',
          value: ratio(requests.length, applied),
          unit: 'requests',
          note: `${applied} fulfilments with tracking: ${requests.length - shipmentReads} order reads, ${shipmentReads} shipment reads`,
        };
        return { figures: [figure], skipped: [] };
      },
    );
  });
}
