/**
 * channel-api wired as in Lambda (`wire(env)`) against dynalite and the local EventBridge stand-in:
 * where each piece of a saved channel ends up, and the order routes on the real orders table.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoOrderStore } from '../../../functions/adapters/order-store';
import { wire } from '../../../functions/channel-api/handler';
import { startEventBus, type BusEvent, type EventBusShim } from '../../../local/event-bus';
import { invokeHandler, type LambdaHandler } from '../../../local/lambda-context';
import { createLocalAws, type LocalAws } from '../../support/local-aws';

/** Answers are read loosely: the assertions say what shape is expected. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonBody = Record<string, any>;

const ACCESS_TOKEN = 'int-access-SECRET-1';
const CLIENT_SECRET = 'int-client-SECRET-2';

let aws: LocalAws;
let bus: EventBusShim;
let handler: LambdaHandler;
const delivered: BusEvent[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  aws = await createLocalAws();
  bus = await startEventBus({
    rules: [
      {
        source: 'om.bigcommerce.channels',
        detailType: 'ChannelSettingsChanged',
        target: async (event) => void delivered.push(event),
      },
    ],
  });
  handler = wire({ ...aws.env, EVENTBRIDGE_ENDPOINT: bus.url }) as LambdaHandler;
});

afterAll(async () => {
  await bus?.stop();
  jest.restoreAllMocks();
  process.env = savedEnv;
});

async function call(routeKey: string, params: Record<string, string>, body?: unknown) {
  const res = (await invokeHandler(
    handler,
    {
      version: '2.0',
      routeKey,
      pathParameters: params,
      isBase64Encoded: false,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    },
    { functionName: 'channel-api', timeoutMs: 10_000 },
  )) as { statusCode: number; body?: string };
  await bus.idle();
  return {
    status: res.statusCode,
    body: res.body ? (JSON.parse(res.body) as JsonBody) : undefined,
    raw: res.body ?? '',
  };
}

const item = async (table: string, key: Record<string, { S: string } | { N: string }>) =>
  (await aws.dynamo.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

test('PUT stores settings in the channels table and credentials only in the secrets table; publishes the event', async () => {
  const res = await call(
    'PUT /channels/{channelId}',
    { channelId: 'int-1' },
    {
      storeHash: 'abc123',
      accessToken: ACCESS_TOKEN,
      clientSecret: CLIENT_SECRET,
      validCancellationStatuses: ['On Hold'],
      validFulfillmentStatuses: [],
      fulfillOnBigCommerceStatusIds: [2],
    },
  );
  expect(res.status).toBe(200);
  expect(res.raw).not.toContain('SECRET');
  expect(res.body).toMatchObject({
    channelId: 'int-1',
    fulfillOnBigCommerceStatusIds: [2],
    hasClientSecret: true,
  });

  const channelItem = await item(aws.tables.channels, { channelId: { S: 'int-1' } });
  expect(channelItem).toBeDefined();
  expect(JSON.stringify(channelItem)).not.toContain('SECRET');
  const secretItem = await item(aws.tables.secrets, { channelId: { S: 'int-1' } });
  expect(secretItem?.accessToken?.S).toBe(ACCESS_TOKEN);
  expect(secretItem?.clientSecret?.S).toBe(CLIENT_SECRET);
  expect(secretItem?.webhookToken?.S).toMatch(/^[A-Za-z0-9_-]{43}$/);

  expect(delivered.map((e) => e.detail)).toEqual([
    { channelId: 'int-1', change: 'saved', at: res.body!.updatedAt },
  ]);

  // The token is generated once: a second save keeps it.
  const token = secretItem?.webhookToken?.S;
  const again = await call(
    'PUT /channels/{channelId}',
    { channelId: 'int-1' },
    {
      storeHash: 'abc123',
      validCancellationStatuses: ['On Hold', 'Awaiting Payment'],
      validFulfillmentStatuses: [],
    },
  );
  expect(again.status).toBe(200);
  expect((await item(aws.tables.secrets, { channelId: { S: 'int-1' } }))?.webhookToken?.S).toBe(token);
  expect(again.body).toMatchObject({
    createdAt: res.body!.createdAt,
    fulfillOnBigCommerceStatusIds: [2, 10],
  });
});

test('orders: PUT imports the status, GET reads it back; unknown order → 404', async () => {
  const put = await call(
    'PUT /channels/{channelId}/orders/{orderId}',
    { channelId: 'int-1', orderId: '9001' },
    { status: 'Pending Fulfillment' },
  );
  expect(put).toMatchObject({
    status: 200,
    body: { channelId: 'int-1', orderId: 9001, status: 'Pending Fulfillment', history: [] },
  });
  const get = await call('GET /channels/{channelId}/orders/{orderId}', {
    channelId: 'int-1',
    orderId: '9001',
  });
  expect(get.body).toEqual(put.body);
  expect(
    (await call('GET /channels/{channelId}/orders/{orderId}', { channelId: 'int-1', orderId: '9002' }))
      .status,
  ).toBe(404);
});

test('orders: an import that takes a waiting order out of Unprocessed sends one re-check to the queue', async () => {
  const channelId = 'int-recheck';
  expect(
    (
      await call(
        'PUT /channels/{channelId}',
        { channelId },
        {
          storeHash: 'abc',
          accessToken: ACCESS_TOKEN,
          validCancellationStatuses: ['On Hold'],
          validFulfillmentStatuses: [],
        },
      )
    ).status,
  ).toBe(200);
  const orders = new DynamoOrderStore(aws.dynamo, aws.tables.orders);
  const now = new Date();
  await orders.importStatus(channelId, 77, 'Unprocessed', now);
  const waiting = (await orders.get(channelId, 77))!;
  expect(
    await orders.write(
      {
        ...waiting,
        pending: {
          e1: {
            receivedAt: now.toISOString(),
            source: 'webhook',
            attempt: 2,
            at: 1,
            expired: false,
            read: { statusId: 5, dateModified: now.toISOString() },
          },
        },
        version: waiting.version + 1,
      },
      waiting.version,
    ),
  ).toBe(true);

  const res = await call(
    'PUT /channels/{channelId}/orders/{orderId}',
    { channelId, orderId: '77' },
    { status: 'On Hold' },
  );
  expect(res.status).toBe(200);
  const received = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: aws.queues.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  const bodies = (received.Messages ?? [])
    .map((m) => JSON.parse(m.Body!) as JsonBody)
    .filter((b) => b.channelId === channelId);
  expect(bodies).toEqual([expect.objectContaining({ orderId: 77, source: 'om_import', attempt: 1 })]);
});

test('DELETE leaves a tombstone for hook-manager and answers 404 afterwards', async () => {
  expect((await call('DELETE /channels/{channelId}', { channelId: 'int-1' })).status).toBe(204);
  const tomb = await item(aws.tables.channels, { channelId: { S: 'int-1' } });
  expect(tomb?.deletedAt?.S).toEqual(expect.any(String));
  expect(tomb?.validCancellationStatuses?.L).toEqual([]);
  expect(delivered.at(-1)!.detail).toMatchObject({ channelId: 'int-1', change: 'deleted' });
  expect((await call('GET /channels/{channelId}', { channelId: 'int-1' })).status).toBe(404);
});

test('wire fails fast naming a missing variable', () => {
  expect(() => wire({ ...aws.env, CHANNELS_TABLE: undefined })).toThrow(/CHANNELS_TABLE is required/);
});
