import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { HttpBigCommerceClient } from '../../../functions/adapters/bigcommerce-client';
import { DynamoChannelStore } from '../../../functions/adapters/channel-store';
import { SqsOrderEventQueue } from '../../../functions/adapters/order-event-queue';
import { DynamoOrderStore } from '../../../functions/adapters/order-store';
import { createRuntime, secretStore } from '../../../functions/common/runtime';
import type { Outcome } from '../../../functions/domain/order';
import type { OmStatus } from '../../../functions/domain/statuses';
import { makeHandler, wire, WORKER_COUNTERS } from '../../../functions/order-worker/handler';
import { startSandbox, type Sandbox } from '../../../local/sandbox/server';
import { DISJOINT_STATUSES, makeChannel } from '../../support/channels';
import { createLocalAws, type LocalAws } from '../../support/local-aws';
import { seedChannel } from '../../support/seed';
import { lambdaContext, sqsEvent, sqsRecord } from '../../support/lambda';
import { FakeObservability } from '../../support/observability';
import { drain, enqueue, orderEvent, pollOnce, type WorkerHandler } from './harness';

/**
 * The worker end to end on the local stand-ins: dynalite (orders, channels, secrets), fauxqs (the
 * order-events queue) and the BigCommerce sandbox, wired exactly as Lambda wires it (`wire(env)`).
 */
Object.assign(process.env, {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});

const STORE = 'intstore1';
const TOKEN = 'int-access-token';
const CHANNEL_ID = 'int-ch1';

let aws: LocalAws;
let sb: Sandbox;
let orders: DynamoOrderStore;
let handler: WorkerHandler;

const channel = makeChannel({ channelId: CHANNEL_ID, storeHash: STORE, ...DISJOINT_STATUSES });

beforeAll(async () => {
  aws = await createLocalAws();
  sb = await startSandbox({ port: 0, timeScale: 0.001, rateLimit: false });
  sb.createStore({ storeHash: STORE, accessToken: TOKEN, clientSecret: 'cs' });
  await seedChannel(aws, channel, { accessToken: TOKEN, webhookToken: 'wt' });
  orders = new DynamoOrderStore(aws.dynamo, aws.tables.orders);
  handler = wire({
    ...aws.env,
    BIGCOMMERCE_API_URL: sb.url,
    // Long enough that no deferred retry comes back while the matrix drains, however loaded the machine.
    DEFER_DELAYS_SECONDS: '600',
    DEFER_MAX_AGE_SECONDS: '3600',
  }) as unknown as WorkerHandler;
});

afterAll(async () => {
  await sb.stop();
});

let nextOrderId = 1000;
/** A BigCommerce order in `statusId` and, unless `om` is undefined, the OM order in `om`. */
async function givenOrder(statusId: number, om: OmStatus | undefined) {
  const orderId = nextOrderId++;
  sb.setOrderStatus(STORE, orderId, statusId);
  if (om) await orders.importStatus(CHANNEL_ID, orderId, om, new Date());
  return orderId;
}

const lastOutcome = async (orderId: number) =>
  (await orders.get(CHANNEL_ID, orderId))?.history.at(-1)?.outcome;

const queueDepth = async () => {
  const attrs = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: aws.queues.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return {
    visible: Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0),
    delayed: Number(attrs.Attributes?.ApproximateNumberOfMessagesDelayed ?? 0),
  };
};

describe('the gate matrix end to end', () => {
  // Channel: cancel when Awaiting Payment/On Hold, fulfil when Awaiting Shipment/Pending Fulfillment.
  // Columns: BigCommerce 2 (Shipped), 5 (Cancelled), 10 (Completed), 11 (Awaiting Fulfillment).
  const BC_IDS = [2, 5, 10, 11] as const;
  const d = 'deferred';
  const snc = 'status_not_configured';
  const same = 'already_in_target_status';
  const none = 'no_action_for_bigcommerce_status';
  const MATRIX: [OmStatus | undefined, Outcome[]][] = [
    [undefined, [d, d, d, none]],
    ['Unprocessed', [d, d, d, none]],
    ['Awaiting Payment', [snc, 'cancelled', snc, none]],
    ['On Hold', [snc, 'cancelled', snc, none]],
    ['Awaiting Shipment', ['fulfilled', snc, 'fulfilled', none]],
    ['Pending Fulfillment', ['fulfilled', snc, 'fulfilled', none]],
    ['Dropship Requested', [snc, snc, snc, none]],
    ['Shipped', [same, snc, same, none]],
    ['Cancelled', [snc, same, snc, none]],
  ];

  test('every OM status × BigCommerce status lands on the expected outcome and status', async () => {
    const cases: { orderId: number; om: OmStatus | undefined; bc: number; outcome: Outcome }[] = [];
    for (const [om, outcomes] of MATRIX) {
      for (const [i, bc] of BC_IDS.entries()) {
        const orderId = await givenOrder(bc, om);
        cases.push({ orderId, om, bc, outcome: outcomes[i]! });
        await enqueue(aws.sqs, aws.queues.queueUrl, orderEvent(CHANNEL_ID, orderId));
      }
    }
    await drain(aws.sqs, aws.queues.queueUrl, handler);

    const got = await Promise.all(
      cases.map(async (c) => {
        const o = await orders.get(CHANNEL_ID, c.orderId);
        return { ...c, outcome: o?.history.at(-1)?.outcome, status: o?.status, entries: o?.history.length };
      }),
    );
    const expected = cases.map((c) => ({
      ...c,
      status: c.outcome === 'cancelled' ? 'Cancelled' : c.outcome === 'fulfilled' ? 'Shipped' : c.om,
      entries: 1,
    }));
    expect(got).toEqual(expected);
    // Every deferral left exactly one delayed retry on the queue.
    const deferrals = cases.filter((c) => c.outcome === 'deferred').length;
    expect(await queueDepth()).toEqual({ visible: 0, delayed: deferrals });
  });
});

describe('scenarios', () => {
  // Each scenario gets its own queue so delayed retries of other tests do not interfere.
  let local: LocalAws;
  let h: WorkerHandler;
  beforeEach(async () => {
    local = await createLocalAws();
    h = wire({
      ...local.env,
      CHANNELS_TABLE: aws.tables.channels,
      SECRETS_TABLE: aws.tables.secrets,
      ORDERS_TABLE: aws.tables.orders,
      BIGCOMMERCE_API_URL: sb.url,
      DEFER_DELAYS_SECONDS: '1',
      DEFER_MAX_AGE_SECONDS: '3600',
    }) as unknown as WorkerHandler;
  });

  test('a deferred order that OM processes later is then cancelled', async () => {
    const orderId = await givenOrder(5, 'Unprocessed');
    await enqueue(local.sqs, local.queues.queueUrl, orderEvent(CHANNEL_ID, orderId));
    await pollOnce(local.sqs, local.queues.queueUrl, h);
    expect(await lastOutcome(orderId)).toBe('deferred');

    await orders.importStatus(CHANNEL_ID, orderId, 'On Hold', new Date());
    // The retry arrives after DEFER_DELAYS_SECONDS (1 s here).
    const { received } = await pollOnce(local.sqs, local.queues.queueUrl, h, { waitTimeSeconds: 3 });
    expect(received).toBe(1);
    const order = await orders.get(CHANNEL_ID, orderId);
    expect(order?.status).toBe('Cancelled');
    expect(order?.history.map((e) => [e.outcome, e.attempt, e.statusBefore, e.statusAfter])).toEqual([
      ['deferred', 1, 'Unprocessed', 'Unprocessed'],
      ['cancelled', 2, 'On Hold', 'Cancelled'],
    ]);
  });

  test('an order imported after its webhook: TTL item first, fulfilled once imported', async () => {
    const orderId = await givenOrder(2, undefined);
    const event = orderEvent(CHANNEL_ID, orderId);
    await enqueue(local.sqs, local.queues.queueUrl, event);
    await pollOnce(local.sqs, local.queues.queueUrl, h);
    const key = { channelId: { S: CHANNEL_ID }, orderId: { N: String(orderId) } };
    const raw = await aws.dynamo.send(new GetItemCommand({ TableName: aws.tables.orders, Key: key }));
    expect(raw.Item?.status).toBeUndefined();
    expect(Number(raw.Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000 + 6 * 86_400);

    await orders.importStatus(CHANNEL_ID, orderId, 'Awaiting Shipment', new Date());
    await pollOnce(local.sqs, local.queues.queueUrl, h, { waitTimeSeconds: 3 });
    const order = await orders.get(CHANNEL_ID, orderId);
    expect(order?.status).toBe('Shipped');
    expect(order?.history.map((e) => e.outcome)).toEqual(['deferred', 'fulfilled']);
    expect(order?.history.every((e) => e.eventId === event.eventId)).toBe(true);
    const after = await aws.dynamo.send(new GetItemCommand({ TableName: aws.tables.orders, Key: key }));
    expect(after.Item?.expiresAt).toBeUndefined();
  });

  test('an event older than the maximum age expires instead of deferring again', async () => {
    const orderId = await givenOrder(5, 'Unprocessed');
    const receivedAt = new Date(Date.now() - 3601_000).toISOString();
    await enqueue(
      local.sqs,
      local.queues.queueUrl,
      orderEvent(CHANNEL_ID, orderId, { receivedAt, attempt: 7 }),
    );
    await pollOnce(local.sqs, local.queues.queueUrl, h);
    expect(await lastOutcome(orderId)).toBe('expired');
    const depth = await local.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: local.queues.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(depth.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesDelayed: '0',
    });
  });

  test('a duplicate delivery is processed once', async () => {
    const orderId = await givenOrder(5, 'On Hold');
    const event = orderEvent(CHANNEL_ID, orderId);
    await enqueue(local.sqs, local.queues.queueUrl, event);
    await enqueue(local.sqs, local.queues.queueUrl, event);
    await drain(local.sqs, local.queues.queueUrl, h);
    await enqueue(local.sqs, local.queues.queueUrl, event);
    await drain(local.sqs, local.queues.queueUrl, h);
    const order = await orders.get(CHANNEL_ID, orderId);
    expect(order?.status).toBe('Cancelled');
    expect(order?.history.map((e) => e.outcome)).toEqual(['cancelled']);
  });

  test('a 429 from BigCommerce is waited out and the event still applies', async () => {
    const orderId = await givenOrder(10, 'Pending Fulfillment');
    sb.injectFault({
      storeHash: STORE,
      pathPattern: `/v2/orders/${orderId}$`,
      count: 1,
      status: 429,
      headers: { 'X-Rate-Limit-Time-Reset-Ms': '50', 'X-Retry-After': '0' },
    });
    await enqueue(local.sqs, local.queues.queueUrl, orderEvent(CHANNEL_ID, orderId));
    expect(await pollOnce(local.sqs, local.queues.queueUrl, h)).toEqual({ received: 1, failed: 0 });
    expect(await lastOutcome(orderId)).toBe('fulfilled');
    expect(sb.requests.filter((r) => r.path.endsWith(`/v2/orders/${orderId}`)).map((r) => r.status)).toEqual([
      429, 200,
    ]);
  });

  test('a payload that says cancelled while BigCommerce now says otherwise changes nothing', async () => {
    const orderId = await givenOrder(5, 'On Hold');
    sb.setOrderStatus(STORE, orderId, 11); // re-opened before the worker ran
    await enqueue(
      local.sqs,
      local.queues.queueUrl,
      orderEvent(CHANNEL_ID, orderId, { statusHint: { previousStatusId: 11, newStatusId: 5 } }),
    );
    await pollOnce(local.sqs, local.queues.queueUrl, h);
    const order = await orders.get(CHANNEL_ID, orderId);
    expect(order?.status).toBe('On Hold');
    expect(order?.history.map((e) => [e.outcome, e.bigcommerceStatusId])).toEqual([
      ['no_action_for_bigcommerce_status', 11],
    ]);
  });

  test('an order BigCommerce does not know is recorded once, not retried', async () => {
    const orderId = nextOrderId++;
    await orders.importStatus(CHANNEL_ID, orderId, 'On Hold', new Date());
    await enqueue(local.sqs, local.queues.queueUrl, orderEvent(CHANNEL_ID, orderId));
    expect(await pollOnce(local.sqs, local.queues.queueUrl, h)).toEqual({ received: 1, failed: 0 });
    expect(await lastOutcome(orderId)).toBe('bigcommerce_order_not_found');
  });
});

/** The real adapters on a DynamoDB client that counts every HTTP request it sends. */
function countedWorker(options: { beforeGet?: () => Promise<void> } = {}) {
  const dynamo = new DynamoDBClient({
    endpoint: aws.env.DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const counter = { dynamo: 0 };
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      counter.dynamo++;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countDynamoRequests' },
  );
  const store = new DynamoOrderStore(dynamo, aws.tables.orders);
  const obs = new FakeObservability();
  const h = makeHandler({
    channels: new DynamoChannelStore(dynamo, aws.tables.channels),
    secrets: secretStore(createRuntime(aws.env, { dynamo: dynamo })),
    orders: {
      get: async (c, o) => {
        await options.beforeGet?.();
        return store.get(c, o);
      },
      write: (order, v, o) => store.write(order, v, o),
    },
    queue: new SqsOrderEventQueue(aws.sqs, aws.queues.queueUrl),
    bigcommerce: new HttpBigCommerceClient({ baseUrl: sb.url }),
    policy: { delaysSeconds: [60], maxAgeSeconds: 3600 },
    logger: obs.logger,
    metrics: obs.metricsPort,
  });
  return { handler: h, counter, obs };
}

/** Holds the first `parties` callers until all have arrived; later calls pass straight through. */
function firstReadBarrier(parties: number) {
  let waiting: (() => void)[] = [];
  let armed = true;
  return () =>
    armed
      ? new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === parties) {
            armed = false;
            waiting.forEach((r) => r());
            waiting = [];
          }
        })
      : Promise.resolve();
}

test('steady state: 2 DynamoDB requests per applied event; 1 BigCommerce request per cancel, 2 per fulfilment (order + shipments)', async () => {
  const { handler: h, counter, obs } = countedWorker();
  // Warm the container (channel and credentials are read once, then cached).
  const warm = await givenOrder(5, 'On Hold');
  await h(sqsEvent(sqsRecord(orderEvent(CHANNEL_ID, warm))), lambdaContext(30_000));

  counter.dynamo = 0;
  const before = sb.requests.length;
  const ids: number[] = [];
  for (let i = 0; i < 10; i++)
    ids.push(await givenOrder(i % 2 ? 5 : 2, i % 2 ? 'On Hold' : 'Awaiting Shipment'));
  const result = await h(
    sqsEvent(...ids.map((id) => sqsRecord(orderEvent(CHANNEL_ID, id)))),
    lambdaContext(30_000),
  );
  expect(result.batchItemFailures).toEqual([]);
  expect(obs.metricCount('OrderCancelled') + obs.metricCount('OrderFulfilled')).toBe(11);
  expect(counter.dynamo / ids.length).toBe(2);
  const bcRequests = sb.requests.slice(before);
  const fulfilled = ids.filter((_, i) => i % 2 === 0);
  expect(bcRequests).toHaveLength(ids.length + fulfilled.length);
  expect(new Set(bcRequests.map((r) => r.path))).toEqual(
    new Set([
      ...ids.map((id) => `/stores/${STORE}/v2/orders/${id}`),
      ...fulfilled.map((id) => `/stores/${STORE}/v2/orders/${id}/shipments`),
    ]),
  );
});

test('two workers racing on one order: exactly one applies and no history entry is lost', async () => {
  // Both workers read before either writes (a barrier on the first read), so one must lose the write.
  const barrier = firstReadBarrier(2);
  const w1 = countedWorker({ beforeGet: barrier });
  const w2 = countedWorker({ beforeGet: barrier });

  const orderId = await givenOrder(5, 'On Hold');
  const [r1, r2] = await Promise.all([
    w1.handler(sqsEvent(sqsRecord(orderEvent(CHANNEL_ID, orderId))), lambdaContext(30_000)),
    w2.handler(sqsEvent(sqsRecord(orderEvent(CHANNEL_ID, orderId))), lambdaContext(30_000)),
  ]);
  expect([...r1.batchItemFailures, ...r2.batchItemFailures]).toEqual([]);

  const order = await orders.get(CHANNEL_ID, orderId);
  expect(order?.status).toBe('Cancelled');
  expect(order?.history.map((e) => e.outcome).sort()).toEqual(['already_in_target_status', 'cancelled']);
  expect(order?.version).toBe(3); // import + two writes
  const conflicts =
    w1.obs.metricCount(WORKER_COUNTERS.writeConflict) + w2.obs.metricCount(WORKER_COUNTERS.writeConflict);
  expect(conflicts).toBe(1);
});

test('two workers racing with the same event: it is recorded once', async () => {
  const barrier = firstReadBarrier(2);
  const w1 = countedWorker({ beforeGet: barrier });
  const w2 = countedWorker({ beforeGet: barrier });
  const orderId = await givenOrder(10, 'Awaiting Shipment');
  const event = orderEvent(CHANNEL_ID, orderId);
  await Promise.all([
    w1.handler(sqsEvent(sqsRecord(event)), lambdaContext(30_000)),
    w2.handler(sqsEvent(sqsRecord(event)), lambdaContext(30_000)),
  ]);
  const order = await orders.get(CHANNEL_ID, orderId);
  expect(order?.history.map((e) => e.outcome)).toEqual(['fulfilled']);
  expect(w1.obs.metricCount(WORKER_COUNTERS.duplicate) + w2.obs.metricCount(WORKER_COUNTERS.duplicate)).toBe(
    1,
  );
});
