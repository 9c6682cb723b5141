import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { orderEventSchema, type OrderEvent } from '../../../functions/domain/order-event';
import { wire } from '../../../functions/webhook-ingest/handler';
import { ConfigError } from '../../../functions/common/config';
import { createLocalAws, type LocalAws } from '../../support/local-aws';
import { seedChannel } from '../../support/seed';
import { callbackBody, channel, CLIENT_SECRET, request, signHeaders, TOKEN } from './harness';

// Powertools reads process.env, not the env given to wire().
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const context = {
  functionName: 'webhook-ingest',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:webhook-ingest',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/webhook-ingest',
  logStreamName: 'local',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

let aws: LocalAws;

beforeAll(async () => {
  aws = await createLocalAws();
  const secrets = { accessToken: 'a', clientSecret: CLIENT_SECRET, webhookToken: TOKEN };
  await seedChannel(aws, channel('live'), secrets);
  await seedChannel(aws, channel('deleted', { deletedAt: '2026-03-01T00:00:00.000Z' }), secrets);
});

const signed = (body: string) => ({ 'x-webhook-token': TOKEN, ...signHeaders(body) });

async function receiveAll(queueUrl: string): Promise<OrderEvent[]> {
  const out = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (out.Messages ?? []).map((m) => orderEventSchema.parse(JSON.parse(m.Body!)));
}

test('a signed callback goes through the wired handler onto the real queue', async () => {
  const handler = wire(aws.env);
  const body = JSON.stringify(
    callbackBody({ data: { type: 'order', id: 4242, status: { previous_status_id: 11, new_status_id: 2 } } }),
  );
  const before = Date.now();
  const res = await handler(
    request({
      channelId: 'live',
      body,
      headers: { 'x-webhook-token': TOKEN, ...signHeaders(body, { id: 'msg_live_1' }) },
    }),
    context,
  );
  expect(res).toEqual({ statusCode: 200 });
  const messages = await receiveAll(aws.queues.queueUrl);
  expect(messages).toHaveLength(1);
  const [message] = messages;
  expect(message).toMatchObject({
    v: 1,
    channelId: 'live',
    orderId: 4242,
    scope: 'store/order/statusUpdated',
    eventId: 'msg_live_1',
    statusHint: { previousStatusId: 11, newStatusId: 2 },
    attempt: 1,
    source: 'webhook',
  });
  expect(Date.parse(message!.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
});

test('rejections and ignored scopes put nothing on the queue', async () => {
  const handler = wire(aws.env);
  const valid = JSON.stringify(callbackBody());
  const shipment = JSON.stringify(
    callbackBody({ scope: 'store/shipment/deleted', data: { id: 1, orderId: 2 } }),
  );
  const answers = await Promise.all([
    handler(request({ channelId: 'live', body: valid, headers: { 'x-webhook-token': 'wrong' } }), context),
    handler(request({ channelId: 'deleted', body: valid, headers: { 'x-webhook-token': TOKEN } }), context),
    handler(request({ channelId: 'nobody', body: valid, headers: { 'x-webhook-token': TOKEN } }), context),
    handler(request({ channelId: 'live', body: '{', headers: signed('{') }), context),
    handler(request({ channelId: 'live', body: shipment, headers: signed(shipment) }), context),
    // The token alone: this channel has a client secret, so the signature is required.
    handler(request({ channelId: 'live', body: valid, headers: { 'x-webhook-token': TOKEN } }), context),
  ]);
  // A deleted channel is acknowledged (200) and dropped; an id never known stays 404.
  expect(answers.map((a) => a.statusCode)).toEqual([401, 200, 404, 400, 200, 401]);
  expect(await receiveAll(aws.queues.queueUrl)).toEqual([]);
});

test('an unreachable queue answers 503', async () => {
  const handler = wire({ ...aws.env, ORDER_EVENTS_QUEUE_URL: `${aws.queues.queueUrl}-missing` });
  const body = JSON.stringify(callbackBody());
  const res = await handler(request({ channelId: 'live', body, headers: signed(body) }), context);
  expect(res.statusCode).toBe(503);
});

test('wire fails fast naming what is missing', () => {
  const { ORDER_EVENTS_QUEUE_URL: _q, ...noQueue } = aws.env;
  expect(() => wire(noQueue)).toThrow(/ORDER_EVENTS_QUEUE_URL/);
  const { SECRETS_TABLE: _s, ...noSecrets } = aws.env;
  expect(() => wire(noSecrets)).toThrow(ConfigError);
  expect(() => wire(noSecrets)).toThrow(/SECRET_NAME_PREFIX/);
});
