/**
 * worker_*: the real wired order-worker (`wire(env)`) fed SQS events in batches of 10, against dynalite +
 * fauxqs (own process, DynamoDB requests counted there by operation) and the BigCommerce sandbox (own
 * process, rate limits off, request log). Every measured event leads to an applied outcome: the OM order
 * is 'Awaiting Shipment' (a valid cancellation status), BigCommerce says Cancelled (5), so the worker
 * cancels it. Caches are warmed first, so the counts are the steady state.
 */
import { ORDER_WORKER_BATCH_SIZE } from '../functions/common/limits';
import * as rt from '../functions/common/runtime';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { OrderEvent } from '../functions/domain/order-event';
import { withEnv, type BenchFacts, type GroupContext, type GroupResult } from './common';
import { standInGroup } from './group';
import { fakeContext, sqsRecord, withStdoutSunk, type SqsHandler } from './lambda';
import { readUnits, writeUnits } from './cost';
import { median, pool, ratio, type Figure } from './report';
import { startRemoteSandbox, type RemoteSandbox } from './sandbox';
import { totalOf, type StandIns } from './stand-ins';

export const WORKER_SIZES = {
  quick: { channels: 4, events: 1000, batchSize: ORDER_WORKER_BATCH_SIZE, concurrentBatches: 4 },
  full: { channels: 8, events: 3000, batchSize: ORDER_WORKER_BATCH_SIZE, concurrentBatches: 4 },
} as const;

const BC_CANCELLED = 5;

interface Seeded {
  channelIds: string[];
  /** [channelId, orderId] of every order, warm-up orders first (one per channel). */
  orders: [string, number][];
}

async function seed(
  stand: StandIns,
  sandbox: RemoteSandbox,
  { channels, events }: { channels: number; events: number },
): Promise<Seeded> {
  const channelStore = rt.channelStore(stand.runtime);
  const secretStore = rt.secretStore(stand.runtime);
  const orderStore = rt.orderStore(stand.runtime);
  const at = new Date();
  const channelIds = Array.from({ length: channels }, (_, i) => `bench-worker-${i}`);
  const storeHash = (i: number) => `benchw${i}`;
  await sandbox.createStores(
    channelIds.map((_, i) => ({
      storeHash: storeHash(i),
      accessToken: `token-${i}`,
      clientSecret: `secret-${i}`,
    })),
  );
  for (const [i, channelId] of channelIds.entries()) {
    await channelStore.put({
      channelId,
      storeHash: storeHash(i),
      validCancellationStatuses: ['Awaiting Shipment'],
      validFulfillmentStatuses: ['Awaiting Shipment'],
      cancelOnBigCommerceStatusIds: [BC_CANCELLED],
      fulfillOnBigCommerceStatusIds: [2, 10],
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    await secretStore.put(channelId, {
      accessToken: `token-${i}`,
      clientSecret: `secret-${i}`,
      webhookToken: `wt-${i}`,
    });
  }
  // Warm-up: one order per channel; then the measured ones, spread over the channels.
  const orders: [string, number][] = [];
  const bcOrders: [string, number, number][] = [];
  for (let n = 0; n < channels + events; n++) {
    const c = n % channels;
    const orderId = 1000 + n;
    orders.push([channelIds[c]!, orderId]);
    bcOrders.push([storeHash(c), orderId, BC_CANCELLED]);
  }
  await sandbox.setOrderStatuses(bcOrders);
  await pool(orders.length, 16, async (i) => {
    const [channelId, orderId] = orders[i]!;
    await orderStore.importStatus(channelId, orderId, 'Awaiting Shipment', at);
  });
  return { channelIds, orders };
}

/** DynamoDB operations that read / write one item (priced per 4 KB read, per 1 KB written). */
const READ_OPS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** What the cost model needs from this run, per applied event (bench/cost-figure.ts). */
async function workerFacts(
  stand: StandIns,
  seeded: Seeded,
  m: {
    applied: number;
    durationsMs: number[];
    batchSize: number;
    logBytes: number;
    dynamo: Record<string, number>;
    bigCommerceRequests: number;
    channels: number;
  },
): Promise<NonNullable<BenchFacts['worker']>> {
  // Item size: one cancelled order as stored (its JSON, close to DynamoDB's own size rule).
  const [channelId, orderId] = seeded.orders[seeded.orders.length - 1]!;
  const order = await rt.orderStore(stand.runtime).get(channelId, orderId);
  const itemBytes = Buffer.byteLength(JSON.stringify(order ?? {}));
  let reads = 0;
  let writes = 0;
  for (const [op, n] of Object.entries(m.dynamo)) {
    if (READ_OPS.has(op)) reads += n * readUnits(itemBytes, true);
    if (WRITE_OPS.has(op)) writes += n * writeUnits(itemBytes);
  }
  // Deferred events are sent back to the queue (with a delay); whatever the queue holds now was sent.
  const attrs = await stand.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stand.queues.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const queued =
    Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(attrs.Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
  return {
    durationMsPerInvocation: median(m.durationsMs),
    eventsPerInvocation: m.batchSize,
    logBytesPerEvent: m.logBytes / m.applied,
    dynamoReadUnitsPerEvent: reads / m.applied,
    dynamoWriteUnitsPerEvent: writes / m.applied,
    bigCommerceRequestsPerEvent: m.bigCommerceRequests / m.applied,
    queueSendsPerEvent: queued / m.applied,
    // Credentials are cached per container: the warm-up's one read per channel, spread over the run.
    secretsReadsPerEvent: m.channels / m.applied,
  };
}

export function runWorker(ctx: GroupContext): Promise<GroupResult> {
  const size = ctx.quick ? WORKER_SIZES.quick : WORKER_SIZES.full;
  const needs = ['functions/order-worker/handler.ts', 'local/sandbox/server.ts'];
  return standInGroup('worker', needs, async (stand, track) => {
    const sb = track(await startRemoteSandbox());
    ctx.log(`worker: seeding ${size.channels} channels, ${size.events + size.channels} orders`);
    const seeded = await seed(stand, sb, size);

    return await withEnv(
      {
        ...stand.env,
        BIGCOMMERCE_API_URL: sb.url,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_DISABLED: 'false',
      },
      async () => {
        const { wire } = await import('../functions/order-worker/handler');
        const handler = wire(process.env) as unknown as SqsHandler;
        const receivedAt = new Date().toISOString();
        const events = seeded.orders.map(([channelId, orderId]): OrderEvent => ({
          v: 1,
          channelId,
          orderId,
          scope: 'store/order/statusUpdated',
          eventId: `bench-${channelId}-${orderId}`,
          statusHint: { previousStatusId: 11, newStatusId: BC_CANCELLED },
          receivedAt,
          attempt: 1,
          source: 'webhook',
        }));
        const warm = events.slice(0, size.channels);
        const measured = events.slice(size.channels);
        const batches: SQSEvent[] = [];
        for (let i = 0; i < measured.length; i += size.batchSize)
          batches.push({
            Records: measured.slice(i, i + size.batchSize).map((e) => sqsRecord(e, randomUUID())),
          });

        let failures = 0;
        const durationsMs: number[] = [];
        const invoke = async (batch: SQSEvent) => {
          const t0 = performance.now();
          const answer = await handler(batch, fakeContext('order-worker', 30_000));
          durationsMs.push(performance.now() - t0);
          failures += answer.batchItemFailures.length;
        };

        const { result, sunkBytes } = await withStdoutSunk(async () => {
          ctx.log('worker: warm-up (fills the channel and credential caches)');
          await invoke({ Records: warm.map((e) => sqsRecord(e, randomUUID())) });
          await stand.resetDynamoCounts();
          durationsMs.length = 0;
          const bcMark = await sb.mark();
          ctx.log(
            `worker: ${measured.length} events in ${batches.length} batches of ${size.batchSize}, ${size.concurrentBatches} batches at a time`,
          );
          const started = performance.now();
          await pool(batches.length, size.concurrentBatches, (i) => invoke(batches[i]!));
          const elapsedMs = performance.now() - started;
          const dynamo = await stand.dynamoCounts();
          const bc = await sb.requestsSince(bcMark);
          return { elapsedMs, dynamo, bc };
        });

        // Count what was applied: the order is Cancelled with a `cancelled` entry for exactly this event.
        const orderStore = rt.orderStore(stand.runtime);
        const outcomes: Record<string, number> = {};
        await pool(measured.length, 16, async (i) => {
          const e = measured[i]!;
          const order = await orderStore.get(e.channelId, e.orderId);
          const entries = order?.history.filter((h) => h.eventId === e.eventId) ?? [];
          const key =
            entries.length === 1 && entries[0]!.outcome === 'cancelled' && order?.status === 'Cancelled'
              ? 'applied'
              : `${entries.map((h) => h.outcome).join('+') || 'none'}`;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        });
        const applied = outcomes.applied ?? 0;
        if (applied !== measured.length || failures > 0)
          throw new Error(
            `worker applied ${applied} of ${measured.length} events (outcomes ${JSON.stringify(outcomes)}, ${failures} batch item failures)`,
          );

        const dynamoTotal = totalOf(result.dynamo);
        ctx.facts.worker = await workerFacts(stand, seeded, {
          applied,
          durationsMs,
          batchSize: size.batchSize,
          logBytes: sunkBytes,
          dynamo: result.dynamo,
          bigCommerceRequests: result.bc.total,
          channels: size.channels,
        });
        const describe = (counts: Record<string, number>) =>
          Object.entries(counts)
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${k} ${(n / applied).toFixed(2)}`)
            .join(', ');
        const eventsPerSecond = applied / (result.elapsedMs / 1000);
        const common = `${applied} applied events, batches of ${size.batchSize}, ${size.concurrentBatches} concurrent`;
        const figures: Figure[] = [
          {
            name: 'worker_events_per_second',
            value: eventsPerSecond,
            unit: 'events/s',
            note: `${common}; ${(result.elapsedMs / 1000).toFixed(1)} s`,
          },
          {
            name: 'worker_dynamodb_requests_per_event',
            value: ratio(dynamoTotal, applied),
            unit: 'requests',
            note: `${dynamoTotal} requests: ${describe(result.dynamo)} per event`,
          },
          {
            name: 'worker_bigcommerce_requests_per_event',
            value: ratio(result.bc.total, applied),
            unit: 'requests',
            note:
              `${result.bc.total} requests: ${describe(result.bc.byRoute)} per event` +
              (Object.keys(result.bc.errors).length ? `; non-2xx ${JSON.stringify(result.bc.errors)}` : ''),
          },
        ];
        return { figures, skipped: [] };
      },
    );
  });
}
