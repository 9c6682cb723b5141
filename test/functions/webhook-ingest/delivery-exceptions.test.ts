import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  DELIVERY_EXCEPTIONS_ROUTE_KEY,
  makeDeliveryExceptionHandler,
} from '../../../functions/webhook-ingest/delivery-exceptions';
import { ROUTES, routeKey } from '../../../functions/common/routes';
import { channelAt } from '../../support/channels';
import { MemoryChannelStore, MemorySecretStore } from '../../support/fakes';
import { FakeObservability } from '../../support/observability';

const NOW = Date.parse('2026-04-01T12:00:00.000Z');
const TOKEN = 'wt-SECRET-0123456789';
const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    scope: 'store/hook/deliveryException',
    store_id: '1001',
    producer: 'stores/abc123',
    hash: 'h',
    created_at: 1775044800,
    data: { type: 'webhook', id: 77, error_code: 90002, message: 'Webhook is blocklisted' },
    ...over,
  });

function setup() {
  const channels = new MemoryChannelStore();
  const secrets = new MemorySecretStore();
  channels.items.set('c1', channelAt(new Date(NOW), { channelId: 'c1', storeHash: 'abc123' }));
  secrets.items.set('c1', { accessToken: 'a-SECRET', webhookToken: TOKEN });
  channels.items.set(
    'gone',
    channelAt(new Date(NOW), {
      channelId: 'gone',
      storeHash: 'abc123',
      deletedAt: '2026-03-30T00:00:00.000Z',
    }),
  );
  const obs = new FakeObservability();
  const handler = makeDeliveryExceptionHandler({
    channels,
    secrets,
    logger: obs.logger,
    metrics: obs.metricsPort as never,
    now: () => NOW,
  });
  const post = (
    channelId: string,
    raw: string,
    headers: Record<string, string> = { 'x-webhook-token': TOKEN },
  ) =>
    handler({
      routeKey: DELIVERY_EXCEPTIONS_ROUTE_KEY,
      pathParameters: { channelId },
      headers,
      body: raw,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
  return { channels, obs, post };
}

test('the route is in the shared table, public, served by webhook-ingest', () => {
  const route = ROUTES.find((r) => routeKey(r) === DELIVERY_EXCEPTIONS_ROUTE_KEY);
  expect(route).toMatchObject({ target: 'webhook-ingest', authorization: 'none' });
});

test('an authenticated exception is recorded on the channel and counted', async () => {
  const t = setup();
  expect((await t.post('c1', body())).statusCode).toBe(200);
  expect(t.channels.items.get('c1')!.lastDeliveryException).toEqual({
    at: new Date(NOW).toISOString(),
    errorCode: 90002,
    message: 'Webhook is blocklisted',
    hookId: 77,
  });
  expect(t.obs.metrics).toEqual(['WebhookDeliveryException']);
});

test.each([
  ['no token', 'c1', body(), {}, 401],
  ['wrong token', 'c1', body(), { 'x-webhook-token': 'nope' }, 401],
  ['another store', 'c1', body({ producer: 'stores/zzz' }), undefined, 401],
  ['not JSON', 'c1', '{', undefined, 400],
  ['another scope', 'c1', body({ scope: 'store/order/created' }), undefined, 400],
  ['no error code', 'c1', body({ data: { type: 'webhook', id: 1 } }), undefined, 400],
  ['unknown channel', 'nobody', body(), undefined, 404],
] as const)('%s → %i, nothing recorded', async (_name, channelId, raw, headers, status) => {
  const t = setup();
  const res = await t.post(channelId, raw, headers as Record<string, string> | undefined);
  expect(res.statusCode).toBe(status);
  expect(t.channels.items.get('c1')!.lastDeliveryException).toBeUndefined();
  expect(t.obs.metrics).toEqual([]);
});

test('a deleted channel: acknowledged and dropped', async () => {
  const t = setup();
  expect((await t.post('gone', body())).statusCode).toBe(200);
  expect(t.channels.items.get('gone')!.lastDeliveryException).toBeUndefined();
  expect(t.obs.metrics).toEqual(['WebhookForDeletedChannel']);
});

test('a storage failure while recording answers 503 (BigCommerce retries), counted nothing', async () => {
  const t = setup();
  jest.spyOn(t.channels, 'recordDeliveryException').mockRejectedValueOnce(new Error('DynamoDB unavailable'));
  const res = await t.post('c1', body());
  expect(res.statusCode).toBe(503);
  expect(t.obs.metrics).toEqual([]);
});
