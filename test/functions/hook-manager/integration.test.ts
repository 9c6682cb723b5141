/**
 * channel-api and hook-manager wired as in Lambda (`wire(env)`), against dynalite/fauxqs, the local
 * EventBridge stand-in and the BigCommerce sandbox: saving settings subscribes, the schedule heals,
 * reconcile recovers an event that was never delivered, and a delete cleans up.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { DynamoSecretStore } from '../../../functions/adapters/secret-store';
import { wire as wireChannelApi } from '../../../functions/channel-api/handler';
import type { OrderEvent } from '../../../functions/domain/order-event';
import { wire as wireHookManager } from '../../../functions/hook-manager/handler';
import type { PlanSummary } from '../../../functions/hook-manager/sweep';
import { sqsEvent, sqsRecord } from '../../support/lambda';
import { wire as wireOrderWorker } from '../../../functions/order-worker/handler';
import { startEventBus, type EventBusShim } from '../../../local/event-bus';
import { invokeHandler, type LambdaHandler } from '../../../local/lambda-context';
import { startSandbox, type Sandbox } from '../../../local/sandbox/server';
import { scheduledEvent } from '../../../local/scheduler';
import { createLocalAws, type LocalAws } from '../../support/local-aws';

/** Answers are read loosely: the assertions say what shape is expected. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonBody = Record<string, any>;

const STORE = 'store1';
const ACCESS_TOKEN = 'sandbox-access-SECRET-aaaa';
const CLIENT_SECRET = 'sandbox-client-SECRET-bbbb';
const BASE = 'http://127.0.0.1:9/om';
const CHANNEL = 'ch-1';
const DESTINATION = `${BASE}/webhooks/bigcommerce/${CHANNEL}`;

let aws: LocalAws;
let sb: Sandbox;
let bus: EventBusShim;
let channelApi: LambdaHandler;
let hookManager: LambdaHandler;
let workerEnv: Record<string, string>;
const busErrors: unknown[] = [];
const output: string[] = [];
const savedEnv = { ...process.env };

type BcHook = {
  id: number;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
};
const allHooks = () => sb.hooks(STORE) as BcHook[];
/** The order hook (the shipment and delivery-exception hooks come and go with it). */
const hooks = () => allHooks().filter((h) => h.scope === 'store/order/statusUpdated');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // Every log line at DEBUG, captured: the secrets must not be in any of them.
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  for (const stream of [process.stdout, process.stderr])
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => (output.push(String(chunk)), true));
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')));
  aws = await createLocalAws();
  sb = await startSandbox({ port: 0, rateLimit: false });
  sb.createStore({ storeHash: STORE, accessToken: ACCESS_TOKEN, clientSecret: CLIENT_SECRET });
  bus = await startEventBus({
    rules: [
      {
        source: 'om.bigcommerce.channels',
        detailType: 'ChannelSettingsChanged',
        target: (event) =>
          invokeHandler(hookManager, event, { functionName: 'hook-manager', timeoutMs: 60_000 }),
      },
    ],
    onError: (_message, error) => busErrors.push(error),
  });
  const env = {
    ...aws.env,
    BIGCOMMERCE_API_URL: sb.url,
    WEBHOOK_BASE_URL: BASE,
    // A sweep re-verifies channels checked more than 0.5 s ago.
    HOOK_VERIFY_INTERVAL_SECONDS: '1',
    EVENTBRIDGE_ENDPOINT: bus.url,
  };
  workerEnv = env;
  channelApi = wireChannelApi(env) as LambdaHandler;
  hookManager = wireHookManager(env) as LambdaHandler;
});

afterAll(async () => {
  await bus?.stop();
  await sb?.stop();
  jest.restoreAllMocks();
  process.env = savedEnv;
  const everything = output.join('');
  expect(everything).toContain('hook-manager'); // the capture saw the logs
  expect(tokensSeen.length).toBeGreaterThan(0);
  for (const secret of [ACCESS_TOKEN, CLIENT_SECRET, ...tokensSeen]) expect(everything).not.toContain(secret);
});

afterEach(() => expect(busErrors).toEqual([]));

async function api(method: string, path: string, params: Record<string, string>, body?: unknown) {
  const answer = (await invokeHandler(
    channelApi,
    {
      version: '2.0',
      routeKey: `${method} ${path}`,
      rawPath: path,
      pathParameters: params,
      isBase64Encoded: false,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    },
    { functionName: 'channel-api', timeoutMs: 10_000 },
  )) as { statusCode: number; body?: string };
  await bus.idle(); // the ChannelSettingsChanged delivery to hook-manager has finished
  const text = answer.body ?? '';
  for (const secret of [ACCESS_TOKEN, CLIENT_SECRET, ...tokensSeen]) expect(text).not.toContain(secret);
  return { status: answer.statusCode, body: text ? (JSON.parse(text) as JsonBody) : undefined };
}

const putChannel = (body: Record<string, unknown>) =>
  api('PUT', '/channels/{channelId}', { channelId: CHANNEL }, body);
const getChannel = () => api('GET', '/channels/{channelId}', { channelId: CHANNEL });

const tokensSeen: string[] = [];
async function webhookToken(): Promise<string> {
  const secrets = await new DynamoSecretStore(aws.dynamo, aws.tables.secrets).get(CHANNEL);
  if (!secrets) throw new Error('no secret');
  tokensSeen.push(secrets.webhookToken);
  return secrets.webhookToken;
}

/** The scheduled run, then each shard it queued on the hook-work queue, as Lambda would run them. */
async function sweep(): Promise<PlanSummary & { shardsRun: number }> {
  await sleep(600); // older than half of HOOK_VERIFY_INTERVAL_SECONDS
  const lambda = { functionName: 'hook-manager', timeoutMs: 60_000 };
  const plan = (await invokeHandler(hookManager, scheduledEvent(new Date()), lambda)) as PlanSummary;
  let shardsRun = 0;
  for (;;) {
    const out = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queues.hookWorkQueueUrl, MaxNumberOfMessages: 1 }),
    );
    const [m] = out.Messages ?? [];
    if (!m) return { ...plan, shardsRun };
    const answer = await invokeHandler(hookManager, sqsEvent(sqsRecord(m.Body!, m.MessageId!)), lambda);
    expect(answer).toEqual({ batchItemFailures: [] });
    await aws.sqs.send(
      new DeleteMessageCommand({ QueueUrl: aws.queues.hookWorkQueueUrl, ReceiptHandle: m.ReceiptHandle! }),
    );
    shardsRun++;
  }
}

/** Every message on the order-events queue (removed from it), as the worker's SQS records. */
async function drainQueue(): Promise<SQSRecord[]> {
  const records: SQSRecord[] = [];
  for (;;) {
    const out = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queues.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    if (!out.Messages?.length) return records;
    for (const m of out.Messages) {
      records.push(sqsRecord(m.Body!, m.MessageId!));
      await aws.sqs.send(
        new DeleteMessageCommand({ QueueUrl: aws.queues.queueUrl, ReceiptHandle: m.ReceiptHandle! }),
      );
    }
  }
}
/** The event id the reconcile gave order 501's cancellation (a later test expects it again). */
let reconciledEventId: string | undefined;
const bodies = (records: SQSRecord[]) => records.map((r) => JSON.parse(r.body) as OrderEvent);

const bcRequests = (from: number) =>
  sb.requests
    .slice(from)
    .filter((r) => r.storeHash === STORE)
    .map((r) => `${r.method} ${r.path}`);

async function setHookInSandbox(id: number, method: 'PUT' | 'DELETE', body?: unknown) {
  const res = await fetch(`${sb.url}/stores/${STORE}/v3/hooks/${id}`, {
    method,
    headers: { 'X-Auth-Token': ACCESS_TOKEN, 'Content-Type': 'application/json', Accept: 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(res.status).toBe(200);
}

const settings = {
  storeHash: STORE,
  accessToken: ACCESS_TOKEN,
  clientSecret: CLIENT_SECRET,
  validCancellationStatuses: ['Awaiting Shipment', 'On Hold'],
  validFulfillmentStatuses: ['Awaiting Shipment'],
};

test('saving settings subscribes at once: one active hook with the token header; GET shows its health', async () => {
  const saved = await putChannel(settings);
  expect(saved.status).toBe(200);
  const token = { 'X-Webhook-Token': await webhookToken() };
  // A Valid Fulfillment Status also subscribes the shipment scopes, with the same destination and token.
  expect(allHooks()).toEqual(
    [
      ['store/order/statusUpdated', DESTINATION],
      ['store/shipment/created', DESTINATION],
      ['store/shipment/updated', DESTINATION],
      ['store/hook/deliveryException', `${DESTINATION}/delivery-exceptions`],
    ].map(([scope, destination]) =>
      expect.objectContaining({ scope, destination, is_active: true, headers: token }),
    ),
  );
  const { body } = await getChannel();
  expect(body!.webhook).toEqual({
    hookId: hooks()[0]!.id,
    isActive: true,
    lastVerifiedAt: expect.any(String),
    lastError: null,
    lastDeliveryException: null,
  });
  // The first verification found the hook missing and reconciled (nothing to find yet).
  expect(body!.reconcile).toEqual({ watermark: expect.any(String), lastRunAt: expect.any(String) });
  expect(bodies(await drainQueue())).toEqual([]);
});

test('a healthy channel costs exactly one BigCommerce request, on the event and on the schedule', async () => {
  const before = JSON.stringify(allHooks());
  let from = sb.requests.length;
  await invokeHandler(
    hookManager,
    {
      source: 'om.bigcommerce.channels',
      'detail-type': 'ChannelSettingsChanged',
      detail: { channelId: CHANNEL, change: 'saved', at: new Date().toISOString() },
    },
    { functionName: 'hook-manager', timeoutMs: 60_000 },
  );
  expect(bcRequests(from)).toEqual([`GET /stores/${STORE}/v3/hooks`]);

  from = sb.requests.length;
  const summary = await sweep();
  // One shard of one channel; the channel itself is all that costs a BigCommerce request.
  expect(summary).toMatchObject({ seen: 1, queued: 1, shards: 1, shardsRun: 1 });
  expect(bcRequests(from)).toEqual([`GET /stores/${STORE}/v3/hooks`]);
  expect(JSON.stringify(allHooks())).toBe(before);
});

test('deactivated in BigCommerce → re-activated by the next run; the cancellation missed meanwhile is reconciled and applied', async () => {
  expect(
    (
      await api(
        'PUT',
        '/channels/{channelId}/orders/{orderId}',
        { channelId: CHANNEL, orderId: '501' },
        { status: 'On Hold' },
      )
    ).status,
  ).toBe(200);
  const [hook] = hooks();
  await setHookInSandbox(hook!.id, 'PUT', { is_active: false });
  sb.setOrderStatus(STORE, 501, 11); // created
  sb.setOrderStatus(STORE, 501, 5); // cancelled while the hook is inactive: BigCommerce delivers nothing
  sb.setOrderStatus(STORE, 502, 9); // not a cancel/fulfill status: not reconciled
  await sb.settled();
  expect(sb.deliveries(STORE)).toEqual([]);

  expect(await sweep()).toMatchObject({ queued: 1, shardsRun: 1 });
  expect(hooks()).toEqual([expect.objectContaining({ id: hook!.id, is_active: true })]);

  const records = await drainQueue();
  reconciledEventId = bodies(records)[0]?.eventId;
  expect(bodies(records)).toEqual([
    {
      v: 1,
      channelId: CHANNEL,
      orderId: 501,
      scope: 'store/order/statusUpdated',
      eventId: expect.stringMatching(/^r:501:5:\d{4}-\d\d-\d\dT/),
      statusHint: { newStatusId: 5 },
      receivedAt: expect.any(String),
      attempt: 1,
      source: 'reconcile',
    },
  ]);
  expect((await getChannel()).body!.webhook).toMatchObject({
    hookId: hook!.id,
    isActive: true,
    lastError: null,
  });

  // The worker treats it like a webhook: re-reads the order, passes the gate, records the history.
  const worker = wireOrderWorker(workerEnv) as LambdaHandler;
  const result = await invokeHandler(
    worker,
    { Records: records },
    { functionName: 'order-worker', timeoutMs: 30_000 },
  );
  expect(result).toEqual({ batchItemFailures: [] });
  const order = await api('GET', '/channels/{channelId}/orders/{orderId}', {
    channelId: CHANNEL,
    orderId: '501',
  });
  expect(order.body).toMatchObject({
    status: 'Cancelled',
    history: [
      expect.objectContaining({
        source: 'reconcile',
        outcome: 'cancelled',
        statusBefore: 'On Hold',
        bigcommerceStatusId: 5,
      }),
    ],
  });
});

test('hook deleted in BigCommerce → re-created by the next run', async () => {
  const [hook] = hooks();
  await setHookInSandbox(hook!.id, 'DELETE');
  expect(hooks()).toEqual([]);
  expect(await sweep()).toMatchObject({ queued: 1, shardsRun: 1 });
  const [created] = hooks();
  expect(created).toMatchObject({
    destination: DESTINATION,
    is_active: true,
    headers: { 'X-Webhook-Token': await webhookToken() },
  });
  expect(created!.id).not.toBe(hook!.id);
  expect((await getChannel()).body!.webhook.hookId).toBe(created!.id);
  // The lost hook reconciles from the watermark, which stays a minute behind the last run (clock skew):
  // order 501 is listed again, with the same event id as before, which the worker dedupes.
  expect(bodies(await drainQueue()).map((e) => e.eventId)).toEqual([reconciledEventId]);
});

test('both sets cleared → the hook is removed', async () => {
  const { accessToken: _a, clientSecret: _c, ...rest } = settings;
  const res = await putChannel({ ...rest, validCancellationStatuses: [], validFulfillmentStatuses: [] });
  expect(res.status).toBe(200);
  expect(allHooks()).toEqual([]);
  expect((await getChannel()).body!.webhook).toMatchObject({
    hookId: null,
    isActive: false,
    lastError: null,
  });
});

test('DELETE channel → its hooks are removed, its secret purged, a tombstone kept 30 days', async () => {
  await putChannel(settings);
  expect(allHooks()).toHaveLength(4);
  const res = await api('DELETE', '/channels/{channelId}', { channelId: CHANNEL });
  expect(res.status).toBe(204);
  expect(allHooks()).toEqual([]);
  const item = (table: string) =>
    aws.dynamo.send(
      new GetItemCommand({ TableName: table, Key: { channelId: { S: CHANNEL } }, ConsistentRead: true }),
    );
  const tomb = (await item(aws.tables.channels)).Item!;
  expect(Object.keys(tomb).sort()).toEqual(expect.arrayContaining(['deletedAt', 'purgedAt', 'expiresAt']));
  const days = (Number(tomb.expiresAt!.N) * 1000 - Date.parse(tomb.purgedAt!.S!)) / 86_400_000;
  expect(Math.round(days)).toBe(30);
  expect(tomb).not.toHaveProperty('hook');
  expect((await item(aws.tables.secrets)).Item).toBeUndefined();
  expect((await getChannel()).status).toBe(404);
});
