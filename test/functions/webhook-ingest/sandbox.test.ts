import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { orderEventSchema } from '../../../functions/domain/order-event';
import { wire } from '../../../functions/webhook-ingest/handler';
import { startSandbox, type Sandbox } from '../../../local/sandbox/server';
import { createLocalAws, type LocalAws } from '../../support/local-aws';
import { seedChannel } from '../../support/seed';
import { channel, request } from './harness';

/**
 * Real deliveries: the BigCommerce sandbox signs and posts callbacks (hook headers included) to a tiny
 * HTTP front that builds API Gateway v2 events for the wired handler, which enqueues on fauxqs.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const STORE = 'sbx123';
const ACCESS = 'sandbox-access-token';
const CLIENT_SECRET = 'sandbox-client-secret';
const WEBHOOK_TOKEN = 'sandbox-webhook-token';

let aws: LocalAws;
let sb: Sandbox;
let front: Server;
let base: string;

beforeAll(async () => {
  aws = await createLocalAws();
  await seedChannel(aws, channel('sbx', { storeHash: STORE }), {
    accessToken: ACCESS,
    clientSecret: CLIENT_SECRET,
    webhookToken: WEBHOOK_TOKEN,
  });
  const handler = wire(aws.env);
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const channelId = decodeURIComponent(req.url!.split('/').pop()!);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string') headers[name] = value;
      const event = request({ channelId, body: Buffer.concat(chunks).toString('utf8'), headers });
      void handler(event, { awsRequestId: 'x', functionName: 'webhook-ingest' } as Context).then((r) => {
        res.writeHead(r.statusCode).end(r.body);
      });
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  sb = await startSandbox({ port: 0, timeScale: 0.001, rateLimit: false });
  sb.createStore({ storeHash: STORE, accessToken: ACCESS, clientSecret: CLIENT_SECRET });
});

afterAll(async () => {
  await sb?.stop();
  await new Promise((resolve) => front?.close(resolve));
});

async function createHook(scope: string) {
  const res = await fetch(`${sb.url}/stores/${STORE}/v3/hooks`, {
    method: 'POST',
    headers: { 'x-auth-token': ACCESS, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      scope,
      destination: `${base}/webhooks/bigcommerce/sbx`,
      is_active: true,
      headers: { 'X-Webhook-Token': WEBHOOK_TOKEN },
    }),
  });
  expect(res.status).toBe(200);
}

test('sandbox deliveries are authenticated; statusUpdated is enqueued, order/created ignored', async () => {
  await createHook('store/order/statusUpdated');
  await createHook('store/order/created');
  sb.setOrderStatus(STORE, 31, 11); // created
  sb.setOrderStatus(STORE, 31, 5); // cancelled: statusUpdated
  await sb.settled();
  const deliveries = sb.deliveries(STORE);
  expect(deliveries.map((d) => [d.scope, d.status])).toEqual(
    expect.arrayContaining([
      ['store/order/created', 200],
      ['store/order/statusUpdated', 200],
    ]),
  );
  expect(deliveries).toHaveLength(2);
  const out = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: aws.queues.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  const messages = (out.Messages ?? []).map((m) => orderEventSchema.parse(JSON.parse(m.Body!)));
  const updated = deliveries.find((d) => d.scope === 'store/order/statusUpdated')!;
  expect(messages).toEqual([
    expect.objectContaining({
      channelId: 'sbx',
      orderId: 31,
      scope: 'store/order/statusUpdated',
      eventId: updated.webhookId,
      statusHint: { previousStatusId: 11, newStatusId: 5 },
      attempt: 1,
      source: 'webhook',
    }),
  ]);
});
