/**
 * Deferral driven by OM (contract.md sections 9 and 10), on dynalite + fauxqs and the BigCommerce sandbox
 * (own process, request log):
 * - `worker_bigcommerce_requests_per_deferred_chain`: orders left `Unprocessed` through RETRIES retries
 *   each (the worker as `makeHandler` on the real stores and client; chain messages fed straight back,
 *   their delays skipped), then OM imports them and the re-check cancels them. BigCommerce requests
 *   from the first deferral to the effect, per order.
 * - `om_import_to_effect_ms_p99`: the import phase through the real path: channel-api `wire(env)`
 *   answers the PUT and sends the re-check to fauxqs; the local SQS poller runs the worker `wire(env)`;
 *   the clock stops when a read of the order shows it Cancelled.
 */
import * as rt from '../functions/common/runtime';
import { performance } from 'node:perf_hooks';
import type { Context, SQSEvent } from 'aws-lambda';
import type { OrderEventQueue } from '../functions/adapters/order-event-queue';
import type { OrderEvent } from '../functions/domain/order-event';
import { startSqsPoller } from '../local/sqs-poller';
import { sleep, withEnv, type GroupContext, type GroupResult } from './common';
import { standInGroup } from './group';
import { fakeContext, withStdoutSunk, type SqsHandler } from './lambda';
import { percentile, pool, ratio, type Figure } from './report';
import { startRemoteSandbox, type RemoteSandbox } from './sandbox';
import type { StandIns } from './stand-ins';

export const DEFERRAL_SIZES = {
  quick: { orders: 100, retries: 10, importConcurrency: 4 },
  full: { orders: 500, retries: 10, importConcurrency: 4 },
} as const;

const BC_CANCELLED = 5;
const STORE = 'benchdefer';
const CHANNEL = 'bench-deferral';
const EFFECT_TIMEOUT_MS = 30_000;

type HttpHandler = (event: unknown, context: Context) => Promise<{ statusCode: number }>;

/** The queue port, in memory: the chain messages of phase 1 are collected and fed back at once. */
class CollectingQueue implements OrderEventQueue {
  sent: OrderEvent[] = [];
  async send(event: OrderEvent) {
    this.sent.push(event);
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function seed(stand: StandIns, sandbox: RemoteSandbox, orders: number): Promise<number[]> {
  const at = new Date().toISOString();
  await sandbox.createStores([{ storeHash: STORE, accessToken: 'token-d', clientSecret: 'secret-d' }]);
  await rt.channelStore(stand.runtime).put({
    channelId: CHANNEL,
    storeHash: STORE,
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: ['Awaiting Shipment'],
    cancelOnBigCommerceStatusIds: [BC_CANCELLED],
    fulfillOnBigCommerceStatusIds: [2, 10],
    createdAt: at,
    updatedAt: at,
  });
  await rt.secretStore(stand.runtime).put(CHANNEL, {
    accessToken: 'token-d',
    clientSecret: 'secret-d',
    webhookToken: 'wt-d',
  });
  const ids = Array.from({ length: orders }, (_, i) => 5000 + i);
  await sandbox.setOrderStatuses(ids.map((id) => [STORE, id, BC_CANCELLED]));
  const store = rt.orderStore(stand.runtime);
  await pool(ids.length, 16, (i) => store.importStatus(CHANNEL, ids[i]!, 'Unprocessed', new Date()));
  return ids;
}

/** Phase 1: the first delivery and `retries` retries of every order's event while OM waits. */
async function waitThroughRetries(stand: StandIns, sandboxUrl: string, ids: number[], retries: number) {
  const queue = new CollectingQueue();
  const { makeHandler } = await import('../functions/order-worker/handler');
  const handler = makeHandler({
    channels: rt.channelStore(stand.runtime),
    secrets: rt.secretStore(stand.runtime),
    orders: rt.orderStore(stand.runtime),
    queue,
    bigcommerce: rt.bigCommerce(rt.createRuntime({ BIGCOMMERCE_API_URL: sandboxUrl })),
    policy: { delaysSeconds: [60, 120, 240, 480, 900], maxAgeSeconds: 86_400 },
    logger: silent,
    metrics: { addMetric: () => undefined },
  });
  const receivedAt = new Date().toISOString();
  let messages: OrderEvent[] = ids.map((orderId) => ({
    v: 1,
    channelId: CHANNEL,
    orderId,
    scope: 'store/order/statusUpdated',
    eventId: `defer-${orderId}`,
    receivedAt,
    attempt: 1,
    source: 'webhook',
  }));
  for (let round = 0; round <= retries; round++) {
    queue.sent = [];
    const batches = Math.ceil(messages.length / 10);
    await pool(batches, 4, async (b) => {
      const records = messages.slice(b * 10, b * 10 + 10).map((m, i) => ({
        messageId: `r${round}-${b}-${i}`,
        body: JSON.stringify(m),
      }));
      const answer = await handler({ Records: records } as unknown as SQSEvent);
      if (answer.batchItemFailures.length)
        throw new Error(`round ${round}: ${answer.batchItemFailures.length} failed`);
    });
    if (queue.sent.length !== messages.length)
      throw new Error(`round ${round}: ${queue.sent.length} chain messages for ${messages.length} events`);
    messages = queue.sent;
  }
}

/** Phase 2: OM imports each order; time until the order reads Cancelled. */
async function importAll(stand: StandIns, ids: number[], concurrency: number, log: (m: string) => void) {
  const { wire: wireApi } = await import('../functions/channel-api/handler');
  const { wire: wireWorker } = await import('../functions/order-worker/handler');
  const api = wireApi(process.env) as unknown as HttpHandler;
  const worker = wireWorker(process.env) as unknown as SqsHandler;
  const poller = startSqsPoller({
    sqs: stand.sqs,
    queueUrl: stand.queues.queueUrl,
    handler: (event) => worker(event, fakeContext('order-worker', 30_000)),
    waitTimeSeconds: 1,
    concurrency: 2,
    onError: (message, error) => log(`poller: ${message}: ${String(error)}`),
  });
  await poller.ready;
  const orders = rt.orderStore(stand.runtime);
  try {
    return await pool(ids.length, concurrency, async (i) => {
      const orderId = ids[i]!;
      const started = performance.now();
      const answer = await api(
        {
          routeKey: 'PUT /channels/{channelId}/orders/{orderId}',
          pathParameters: { channelId: CHANNEL, orderId: String(orderId) },
          body: JSON.stringify({ status: 'Awaiting Shipment' }),
          isBase64Encoded: false,
        },
        fakeContext('channel-api', 10_000),
      );
      if (answer.statusCode !== 200) throw new Error(`import of ${orderId} answered ${answer.statusCode}`);
      for (;;) {
        const order = await orders.get(CHANNEL, orderId);
        if (order?.status === 'Cancelled') return performance.now() - started;
        if (performance.now() - started > EFFECT_TIMEOUT_MS)
          throw new Error(`order ${orderId} not cancelled in time`);
        await sleep(10);
      }
    });
  } finally {
    await poller.stop();
  }
}

/** Every order: Cancelled by the re-check, one deferred entry (updated in place), one cancel. */
async function verify(stand: StandIns, ids: number[], retries: number) {
  const orders = rt.orderStore(stand.runtime);
  const problems: string[] = [];
  await pool(ids.length, 16, async (i) => {
    const order = await orders.get(CHANNEL, ids[i]!);
    const outcomes = order?.history.map((h) => `${h.outcome}/${h.source}`) ?? [];
    const deferred = order?.history.find((h) => h.outcome === 'deferred');
    if (outcomes.join(',') !== 'deferred/webhook,cancelled/om_import' || deferred?.attempts !== retries + 1)
      problems.push(`${ids[i]}: ${outcomes.join(',')} attempts ${deferred?.attempts}`);
  });
  if (problems.length) throw new Error(`${problems.length} orders not as expected, e.g. ${problems[0]}`);
}

export function runDeferral(ctx: GroupContext): Promise<GroupResult> {
  const size = ctx.quick ? DEFERRAL_SIZES.quick : DEFERRAL_SIZES.full;
  const needs = ['functions/order-worker/pipeline.ts', 'local/sandbox/server.ts'];
  return standInGroup('deferral', needs, async (stand, track) => {
    const sb = track(await startRemoteSandbox());
    ctx.log(`deferral: seeding ${size.orders} Unprocessed orders`);
    const ids = await seed(stand, sb, size.orders);
    const env = { ...stand.env, BIGCOMMERCE_API_URL: sb.url, EVENT_BUS_NAME: 'bench-unused' };
    return await withEnv(env, async () => {
      const { result } = await withStdoutSunk(async () => {
        const mark = await sb.mark();
        ctx.log(`deferral: ${size.orders} events through ${size.retries} retries each while OM waits`);
        await waitThroughRetries(stand, sb.url, ids, size.retries);
        const waiting = await sb.requestsSince(mark);
        ctx.log(`deferral: OM imports the orders, ${size.importConcurrency} at a time`);
        const mark2 = await sb.mark();
        const latencies = await importAll(stand, ids, size.importConcurrency, ctx.log);
        const imported = await sb.requestsSince(mark2);
        return { waiting, imported, latencies };
      });
      await verify(stand, ids, size.retries);
      const total = result.waiting.total + result.imported.total;
      const figures: Figure[] = [
        {
          name: 'worker_bigcommerce_requests_per_deferred_chain',
          value: ratio(total, ids.length),
          unit: 'requests',
          note:
            `${ids.length} orders, ${size.retries} retries each while Unprocessed: ` +
            `${result.waiting.total} requests while waiting, ${result.imported.total} for the re-check`,
        },
        {
          name: 'om_import_to_effect_ms_p99',
          value: percentile(result.latencies, 99),
          unit: 'ms',
          note: `${ids.length} imports, ${size.importConcurrency} at a time; median ${percentile(result.latencies, 50).toFixed(0)} ms; PUT → SQS → worker → order reads Cancelled`,
        },
      ];
      return { figures, skipped: [] };
    });
  });
}
