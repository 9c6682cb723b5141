import {
  makeHandler,
  generateWebhookToken,
  type ChannelApiEvent,
} from '../../../functions/channel-api/handler';
import type { HttpResult } from '../../../functions/common/http';
import type { OmOrder } from '../../../functions/domain/order';
import type { OmStatus } from '../../../functions/domain/statuses';
import { ROUTES, routeKey } from '../../../functions/common/routes';
import { NOT_YET_HOOKED_VIEW, settingsBody } from '../../support/channels';
import { deferredEntry, historyEntry, makeOrder } from '../../support/orders';
import {
  FakeBigCommerce,
  MemoryChannelStore,
  MemoryOrderStore,
  MemoryPublisher,
  MemoryQueue,
  MemorySecretStore,
} from '../../support/fakes';
import { capturingObservability, metricTotals } from '../../support/observability';

const ACCESS_TOKEN = 'access-token-SECRET-1111';
const CLIENT_SECRET = 'client-secret-SECRET-2222';
const WEBHOOK_TOKEN = 'webhook-token-SECRET-3333';
const NEW_ACCESS_TOKEN = 'access-token-SECRET-4444';
const SECRETS = [ACCESS_TOKEN, CLIENT_SECRET, WEBHOOK_TOKEN, NEW_ACCESS_TOKEN];

let clock = new Date('2026-05-01T10:00:00.000Z');
const tick = () => (clock = new Date(clock.getTime() + 1000));

function setup() {
  const channels = new MemoryChannelStore();
  const secrets = new MemorySecretStore();
  const orders = new MemoryOrderStore();
  const events = new MemoryPublisher();
  const queue = new MemoryQueue();
  const bigcommerce = new FakeBigCommerce();
  const captured = capturingObservability('channel-api');
  const handler = makeHandler({
    channels,
    bigcommerce,
    secrets,
    orders,
    events,
    queue,
    ...captured.obs,
    now: () => tick(),
    newWebhookToken: () => WEBHOOK_TOKEN,
  });
  const answers: HttpResult[] = [];
  const call = async (key: string, params: Record<string, string>, body?: unknown, raw?: string) => {
    const event: ChannelApiEvent = {
      routeKey: key,
      pathParameters: params,
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      isBase64Encoded: false,
    };
    const result = await handler(event);
    answers.push(result);
    return {
      status: result.statusCode,
      body: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : undefined,
    };
  };
  return { channels, secrets, orders, events, queue, bigcommerce, captured, answers, call };
}

type Setup = ReturnType<typeof setup>;
let t: Setup;
beforeEach(() => {
  t = setup();
});
afterEach(() => {
  // No secret ever reaches a log line or an answer, whatever the test did.
  const everything = [...t.captured.lines, ...t.answers.map((a) => JSON.stringify(a))].join('\n');
  for (const secret of SECRETS) expect(everything).not.toContain(secret);
  t.captured.restore();
  jest.restoreAllMocks();
});

// The credentials are the planted secrets the after-each check looks for.
const body = (over: Record<string, unknown> = {}) =>
  settingsBody({ accessToken: ACCESS_TOKEN, clientSecret: CLIENT_SECRET, ...over });
const PUT = 'PUT /channels/{channelId}';
const GET = 'GET /channels/{channelId}';
const DELETE = 'DELETE /channels/{channelId}';
const PUT_ORDER = 'PUT /channels/{channelId}/orders/{orderId}';
const GET_ORDER = 'GET /channels/{channelId}/orders/{orderId}';

test('every channel-api route of the shared table is handled', async () => {
  for (const route of ROUTES.filter((r) => r.target === 'channel-api')) {
    const { status } = await t.call(routeKey(route), { channelId: 'nope', orderId: '1' });
    expect(status).not.toBe(500);
    expect(t.answers.at(-1)!.body).not.toContain('route not found');
  }
});

test('GET /health → 200 ok while the channels table answers, 503 when it does not', async () => {
  expect(await t.call('GET /health', {})).toEqual({ status: 200, body: { status: 'ok' } });
  jest.spyOn(t.channels, 'get').mockRejectedValue(new Error('dynamo down'));
  expect(await t.call('GET /health', {})).toEqual({ status: 503, body: { status: 'unavailable' } });
});

test('unknown route → 404 JSON', async () => {
  const res = await t.call('POST /channels/{channelId}', { channelId: 'c1' });
  expect(res).toEqual({ status: 404, body: { errors: [{ message: 'route not found' }] } });
  expect((await t.call('$default', {})).status).toBe(404);
  expect((await t.call('constructor', {})).status).toBe(404);
});

describe('PUT /channels/{channelId}', () => {
  test('creates the channel: secrets in the secret store, settings in the channel store, event published', async () => {
    const res = await t.call(PUT, { channelId: 'c1' }, body());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      channelId: 'c1',
      storeHash: 'abc123',
      validCancellationStatuses: ['Awaiting Shipment'],
      validFulfillmentStatuses: ['Awaiting Shipment', 'On Hold'],
      cancelOnBigCommerceStatusIds: [5],
      fulfillOnBigCommerceStatusIds: [2, 10],
      hasClientSecret: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      ...NOT_YET_HOOKED_VIEW,
    });
    expect(t.secrets.items.get('c1')).toEqual({
      accessToken: ACCESS_TOKEN,
      clientSecret: CLIENT_SECRET,
      webhookToken: WEBHOOK_TOKEN,
    });
    const stored = t.channels.items.get('c1')!;
    expect(JSON.stringify(stored)).not.toMatch(/SECRET/);
    expect(t.events.published).toEqual([{ channelId: 'c1', change: 'saved', at: stored.updatedAt }]);
    // Logged (so the secret check in afterEach has lines to look at).
    expect(t.captured.lines.join('\n')).toContain('channel saved');
    expect(metricTotals(t.captured.metrics)).toEqual({ ChannelApiRequests: 1, ChannelSaved: 1 });
  });

  test('an update may omit the credentials: the stored ones and the webhook token are kept', async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
    const { accessToken: _a, clientSecret: _c, ...rest } = body({ validCancellationStatuses: [] });
    const res = await t.call(PUT, { channelId: 'c1' }, rest);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ validCancellationStatuses: [], hasClientSecret: true });
    expect(t.secrets.items.get('c1')).toEqual({
      accessToken: ACCESS_TOKEN,
      clientSecret: CLIENT_SECRET,
      webhookToken: WEBHOOK_TOKEN,
    });
    // Unchanged secrets are not written again.
    expect(t.secrets.puts).toBe(1);
    expect(t.events.published.map((e) => e.change)).toEqual(['saved', 'saved']);
  });

  test('a save migrates a channel still on the legacy combined secret, even when nothing changed', async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
    t.secrets.items.set('c1', { ...t.secrets.items.get('c1')!, legacy: true } as never);
    const { accessToken: _a, clientSecret: _c, ...rest } = body();
    expect((await t.call(PUT, { channelId: 'c1' }, rest)).status).toBe(200);
    expect(t.secrets.puts).toBe(2);
    expect(t.secrets.items.get('c1')).not.toHaveProperty('legacy');
  });

  test('an update keeps createdAt and shows the recorded hook state', async () => {
    const first = await t.call(PUT, { channelId: 'c1' }, body());
    await t.channels.recordHookState('c1', {
      hookId: 7,
      isActive: true,
      lastVerifiedAt: '2026-05-01T10:00:05.000Z',
    });
    await t.channels.recordReconcile('c1', {
      watermark: '2026-05-01T09:00:00.000Z',
      lastRunAt: '2026-05-01T10:00:05.000Z',
    });
    const res = await t.call(
      PUT,
      { channelId: 'c1' },
      body({ accessToken: NEW_ACCESS_TOKEN, clientSecret: null }),
    );
    expect(res.body).toMatchObject({
      createdAt: first.body!.createdAt,
      hasClientSecret: false,
      webhook: {
        hookId: 7,
        isActive: true,
        lastVerifiedAt: '2026-05-01T10:00:05.000Z',
        lastError: null,
        lastDeliveryException: null,
      },
      reconcile: { watermark: '2026-05-01T09:00:00.000Z', lastRunAt: '2026-05-01T10:00:05.000Z' },
    });
    expect(res.body!.updatedAt).not.toBe(first.body!.updatedAt);
    expect(t.secrets.items.get('c1')).toEqual({ accessToken: NEW_ACCESS_TOKEN, webhookToken: WEBHOOK_TOKEN });
  });

  test('a new channel without accessToken → 400 naming it, nothing stored or published', async () => {
    const { accessToken: _a, ...rest } = body();
    const res = await t.call(PUT, { channelId: 'c1' }, rest);
    expect(res).toEqual({
      status: 400,
      body: { errors: [{ field: 'accessToken', message: 'accessToken is required for a new channel' }] },
    });
    expect(t.channels.items.size).toBe(0);
    expect(t.secrets.items.size).toBe(0);
    expect(t.events.published).toEqual([]);
  });

  test('several bad fields → one 400 naming each, no state change', async () => {
    const res = await t.call(
      PUT,
      { channelId: 'c1' },
      body({
        storeHash: 'ABC',
        validCancellationStatuses: ['Shipped'],
        validFulfillmentStatuses: ['Unprocessed', 'Cancelled'],
        cancelOnBigCommerceStatusIds: [2],
        fulfillOnBigCommerceStatusIds: [42],
      }),
    );
    expect(res.status).toBe(400);
    const fields = (res.body!.errors as Array<{ field: string }>).map((e) => e.field);
    expect(new Set(fields)).toEqual(
      new Set([
        'storeHash',
        'validCancellationStatuses',
        'validFulfillmentStatuses',
        'fulfillOnBigCommerceStatusIds',
      ]),
    );
    expect(fields.filter((f) => f === 'validFulfillmentStatuses')).toHaveLength(2);
    expect(t.channels.log.entries.filter((c) => !c.startsWith('channels.get'))).toEqual([]);
  });

  test('overlapping override lists → 400', async () => {
    const res = await t.call(
      PUT,
      { channelId: 'c1' },
      body({ cancelOnBigCommerceStatusIds: [5, 2], fulfillOnBigCommerceStatusIds: [2, 10] }),
    );
    expect(res.status).toBe(400);
    expect(res.body!.errors).toEqual([
      { field: 'fulfillOnBigCommerceStatusIds', message: 'status ids 2 cannot both cancel and fulfill' },
    ]);
  });

  test('storeHash cannot change on a live channel', async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
    const res = await t.call(PUT, { channelId: 'c1' }, body({ storeHash: 'zzz999' }));
    expect(res.status).toBe(400);
    expect((res.body!.errors as Array<{ field: string }>)[0]!.field).toBe('storeHash');
  });

  test.each([
    ['not JSON', '{"storeHash":'],
    ['empty', ''],
  ])('a body that is %s → 400', async (_name, raw) => {
    const res = await t.call(PUT, { channelId: 'c1' }, undefined, raw);
    expect(res.status).toBe(400);
    expect(res.body!.errors).toHaveLength(1);
    expect(t.channels.items.size).toBe(0);
  });

  test('a body that is not JSON is never echoed (it may carry a token)', async () => {
    const res = await t.call(PUT, { channelId: 'c1' }, undefined, `{"accessToken":"${ACCESS_TOKEN}"`);
    expect(res.status).toBe(400);
  });

  test('a body with a secret in a bad field never echoes it', async () => {
    const res = await t.call(
      PUT,
      { channelId: 'c1' },
      body({ accessToken: [ACCESS_TOKEN], webhookToken: WEBHOOK_TOKEN }),
    );
    expect(res.status).toBe(400);
  });

  test('base64 bodies are decoded', async () => {
    const handler = makeHandler({
      channels: t.channels,
      bigcommerce: t.bigcommerce,
      secrets: t.secrets,
      orders: t.orders,
      events: t.events,
      queue: t.queue,
      ...t.captured.obs,
    });
    const res = await handler({
      routeKey: PUT,
      pathParameters: { channelId: 'c1' },
      body: Buffer.from(JSON.stringify(body())).toString('base64'),
      isBase64Encoded: true,
    });
    expect(res.statusCode).toBe(200);
    // The default generator: 32 random bytes, base64url.
    expect(t.secrets.items.get('c1')!.webhookToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test.each([['bad id!'], ['a'.repeat(65)], ['']])('channelId %j → 400', async (channelId) => {
    const res = await t.call(PUT, { channelId }, body());
    expect(res.status).toBe(400);
    expect(res.body!.errors).toEqual([{ field: 'channelId', message: expect.any(String) }]);
  });

  test('a failed publish still answers 200 (the schedule converges), logs and counts it', async () => {
    t.events.fail = true;
    const res = await t.call(PUT, { channelId: 'c1' }, body());
    expect(res.status).toBe(200);
    expect(t.channels.items.has('c1')).toBe(true);
    expect(t.captured.lines.join('\n')).toContain('could not publish ChannelSettingsChanged');
    expect(metricTotals(t.captured.metrics).ChannelEventPublishFailed).toBe(1);
  });

  test('a failing store → 500 without details', async () => {
    jest.spyOn(t.secrets, 'put').mockRejectedValue(new Error('dynamo down'));
    const res = await t.call(PUT, { channelId: 'c1' }, body());
    expect(res).toEqual({ status: 500, body: { errors: [{ message: 'internal error' }] } });
    expect(t.captured.lines.join('\n')).toContain('dynamo down');
  });
});

describe('PUT /channels/{channelId}: credentials checked at the door', () => {
  const probes = () => t.bigcommerce.calls.filter((c) => c.includes('/v2/orders'));
  const nothingStored = () => {
    expect(t.channels.items.has('c1')).toBe(false);
    expect(t.secrets.items.has('c1')).toBe(false);
    expect(t.events.published).toEqual([]);
  };

  test('new credentials: one GET /v2/orders?limit=1 with them, then saved', async () => {
    t.bigcommerce.tokens.set('abc123', ACCESS_TOKEN);
    expect((await t.call(PUT, { channelId: 'c1' }, body())).status).toBe(200);
    expect(probes()).toEqual(['abc123 GET /v2/orders limit=1']);
  });

  test('a wrong token (401) → 422 naming accessToken; nothing saved or subscribed', async () => {
    t.bigcommerce.tokens.set('abc123', 'another-token');
    const res = await t.call(PUT, { channelId: 'c1' }, body());
    expect(res).toEqual({
      status: 422,
      body: { errors: [{ field: 'accessToken', message: 'BigCommerce rejected the access token' }] },
    });
    nothingStored();
    expect(metricTotals(t.captured.metrics).CredentialsRefused).toBe(1);
  });

  test('a token without the Orders read scope (403) → 422 naming the missing scope', async () => {
    t.bigcommerce.failing.set('abc123', 403);
    const res = await t.call(PUT, { channelId: 'c1' }, body());
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      errors: [{ field: 'accessToken', message: expect.stringMatching(/Orders read scope/) }],
    });
    nothingStored();
  });

  test('an unknown store (404) → 422 naming storeHash', async () => {
    t.bigcommerce.access.set('abc123', 'unknown_store');
    const res = await t.call(PUT, { channelId: 'c1' }, body());
    expect(res.body).toEqual({ errors: [{ field: 'storeHash', message: expect.any(String) }] });
    nothingStored();
  });

  test('BigCommerce unavailable (5xx, timeout) → saved, reported in webhook.lastError', async () => {
    t.bigcommerce.failing.set('abc123', 503);
    const res = await t.call(PUT, { channelId: 'c1' }, body());
    expect(res.status).toBe(200);
    expect(res.body!.webhook).toMatchObject({
      lastError: expect.stringMatching(/^credentials not verified: .*503/),
    });
    expect(t.secrets.items.get('c1')?.accessToken).toBe(ACCESS_TOKEN);
    expect(t.channels.items.get('c1')?.hook?.lastError).toMatch(/credentials not verified/);
    expect(t.events.published).toHaveLength(1);
    expect(metricTotals(t.captured.metrics).CredentialsUnverified).toBe(1);
  });

  test('an update with unchanged credentials makes no request; a changed token is checked and kept out if refused', async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
    const { accessToken: _a, clientSecret: _c, ...rest } = body();
    t.bigcommerce.calls.length = 0;
    expect((await t.call(PUT, { channelId: 'c1' }, rest)).status).toBe(200);
    expect((await t.call(PUT, { channelId: 'c1' }, body())).status).toBe(200);
    expect(probes()).toEqual([]);

    t.bigcommerce.tokens.set('abc123', ACCESS_TOKEN);
    const res = await t.call(PUT, { channelId: 'c1' }, body({ accessToken: NEW_ACCESS_TOKEN }));
    expect(res.status).toBe(422);
    expect(probes()).toEqual(['abc123 GET /v2/orders limit=1']);
    expect(t.secrets.items.get('c1')?.accessToken).toBe(ACCESS_TOKEN);
  });
});

describe('GET /channels/{channelId}', () => {
  test('200 with the saved channel, 404 for an unknown one', async () => {
    const saved = await t.call(PUT, { channelId: 'c1' }, body());
    expect(await t.call(GET, { channelId: 'c1' })).toEqual({ status: 200, body: saved.body });
    expect(await t.call(GET, { channelId: 'c2' })).toEqual({
      status: 404,
      body: { errors: [{ message: 'channel not found' }] },
    });
  });

  test('shows the webhook health and the watermark', async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
    await t.channels.recordHookState('c1', {
      hookId: 3,
      isActive: false,
      lastError: 'BigCommerceError: 500',
    });
    const res = await t.call(GET, { channelId: 'c1' });
    expect(res.body!.webhook).toEqual({
      hookId: 3,
      isActive: false,
      lastVerifiedAt: null,
      lastError: 'BigCommerceError: 500',
      lastDeliveryException: null,
    });
    const exception = { at: '2026-05-01T10:00:09.000Z', errorCode: 90001, message: 'failed', hookId: 3 };
    await t.channels.recordDeliveryException('c1', exception);
    expect((await t.call(GET, { channelId: 'c1' })).body!.webhook).toMatchObject({
      lastDeliveryException: exception,
    });
  });

  test('bad channelId → 400', async () => {
    expect((await t.call(GET, { channelId: 'a/b' })).status).toBe(400);
  });
});

describe('DELETE /channels/{channelId}', () => {
  test('tombstones the channel (empty sets), publishes deleted → 204; then it is unknown', async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
    const res = await t.call(DELETE, { channelId: 'c1' });
    expect(res).toEqual({ status: 204, body: undefined });
    const stored = t.channels.items.get('c1')!;
    expect(stored.deletedAt).toEqual(expect.any(String));
    expect(stored.validCancellationStatuses).toEqual([]);
    expect(stored.validFulfillmentStatuses).toEqual([]);
    expect(t.events.published.at(-1)).toEqual({ channelId: 'c1', change: 'deleted', at: stored.deletedAt });
    // Secrets stay until hook-manager has removed the hooks with them.
    expect(t.secrets.items.has('c1')).toBe(true);
    expect((await t.call(GET, { channelId: 'c1' })).status).toBe(404);
    expect((await t.call(DELETE, { channelId: 'c1' })).status).toBe(404);
    expect((await t.call(PUT_ORDER, { channelId: 'c1', orderId: '1' }, { status: 'On Hold' })).status).toBe(
      404,
    );
  });

  test('unknown → 404', async () => {
    expect((await t.call(DELETE, { channelId: 'c9' })).status).toBe(404);
    expect(t.events.published).toEqual([]);
  });

  test('saving over a tombstone makes a new channel that needs an accessToken and gets a new token', async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
    await t.call(DELETE, { channelId: 'c1' });
    const { accessToken: _a, ...rest } = body();
    expect((await t.call(PUT, { channelId: 'c1' }, rest)).status).toBe(400);
    const res = await t.call(PUT, { channelId: 'c1' }, body({ storeHash: 'other9' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ storeHash: 'other9', webhook: { hookId: null, isActive: false } });
    expect(t.channels.items.get('c1')!.deletedAt).toBeUndefined();
  });
});

describe('orders', () => {
  beforeEach(async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
  });

  test('PUT imports the status → 200 the order; GET shows it', async () => {
    const res = await t.call(PUT_ORDER, { channelId: 'c1', orderId: '42' }, { status: 'Awaiting Shipment' });
    expect(res).toEqual({
      status: 200,
      body: {
        channelId: 'c1',
        orderId: 42,
        status: 'Awaiting Shipment',
        updatedAt: expect.any(String),
        history: [],
        shipments: [],
      },
    });
    expect(await t.call(GET_ORDER, { channelId: 'c1', orderId: '42' })).toEqual(res);
  });

  test.each(['Unprocessed', 'Shipped', 'Cancelled', 'On Hold'])(
    'PUT accepts every OM status (%s)',
    async (status) => {
      expect((await t.call(PUT_ORDER, { channelId: 'c1', orderId: '1' }, { status })).status).toBe(200);
    },
  );

  test.each([
    ['unknown status', { status: 'shipped' }, ['status']],
    ['missing status', {}, ['status']],
    ['status a number', { status: 3 }, ['status']],
    ['unknown field', { status: 'On Hold', note: 'x' }, ['note']],
    ['not an object', ['On Hold'], [undefined]],
  ])('PUT %s → 400 naming the field', async (_name, payload, fields) => {
    const res = await t.call(PUT_ORDER, { channelId: 'c1', orderId: '1' }, payload);
    expect(res.status).toBe(400);
    expect((res.body!.errors as Array<{ field?: string }>).map((e) => e.field)).toEqual(fields);
    expect(t.orders.items.size).toBe(0);
  });

  test('PUT with a bad orderId, channelId and status names all three', async () => {
    const res = await t.call(PUT_ORDER, { channelId: 'no way', orderId: '0' }, { status: 'Nope' });
    expect((res.body!.errors as Array<{ field?: string }>).map((e) => e.field)).toEqual([
      'channelId',
      'orderId',
      'status',
    ]);
  });

  test.each(['0', '-1', '1.5', 'abc', '99999999999999999999', ''])('orderId %j → 400', async (orderId) => {
    expect((await t.call(PUT_ORDER, { channelId: 'c1', orderId }, { status: 'On Hold' })).status).toBe(400);
    expect((await t.call(GET_ORDER, { channelId: 'c1', orderId })).status).toBe(400);
  });

  test('PUT for an unknown channel → 404', async () => {
    expect((await t.call(PUT_ORDER, { channelId: 'c2', orderId: '1' }, { status: 'On Hold' })).status).toBe(
      404,
    );
    expect(t.orders.items.size).toBe(0);
  });

  test('PUT with bad JSON → 400', async () => {
    expect((await t.call(PUT_ORDER, { channelId: 'c1', orderId: '1' }, undefined, '{')).status).toBe(400);
  });

  test('GET 404 when there is no item, or the channel is unknown', async () => {
    expect((await t.call(GET_ORDER, { channelId: 'c1', orderId: '5' })).status).toBe(404);
    await t.call(PUT_ORDER, { channelId: 'c1', orderId: '5' }, { status: 'On Hold' });
    await t.call(DELETE, { channelId: 'c1' });
    expect((await t.call(GET_ORDER, { channelId: 'c1', orderId: '5' })).status).toBe(404);
  });

  test('GET shows status null for a timeline-only item (OM has not imported the order)', async () => {
    t.orders.seed(
      makeOrder({
        orderId: 7,
        history: [deferredEntry()],
        processed: { e1: { at: 1, attempt: 1, terminal: false } },
      }),
    );
    const res = await t.call(GET_ORDER, { channelId: 'c1', orderId: '7' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: null,
      history: [expect.objectContaining({ outcome: 'deferred' })],
    });
    // Internals stay inside.
    expect(res.body).not.toHaveProperty('processed');
    expect(res.body).not.toHaveProperty('version');
  });
});

describe('OM import re-checks waiting events', () => {
  const waiting = (status?: OmStatus): OmOrder =>
    makeOrder({
      orderId: 8,
      ...(status ? { status } : {}),
      processed: { e1: { at: 1, attempt: 3, terminal: false } },
      pending: {
        e1: {
          receivedAt: '2026-05-01T09:00:00.000Z',
          source: 'webhook',
          attempt: 3,
          at: 1,
          expired: false,
          read: { statusId: 5, dateModified: '2026-05-01T08:59:00.000Z' },
        },
      },
      version: 4,
    });
  const ids = { channelId: 'c1', orderId: '8' };

  beforeEach(async () => {
    await t.call(PUT, { channelId: 'c1' }, body());
  });

  test.each([undefined, 'Unprocessed' as const])(
    'moving the order (%s) out of Unprocessed sends one re-check message',
    async (before) => {
      t.orders.seed(waiting(before));
      expect((await t.call(PUT_ORDER, ids, { status: 'On Hold' })).status).toBe(200);
      expect(t.queue.sent).toEqual([
        expect.objectContaining({ channelId: 'c1', orderId: 8, source: 'om_import', attempt: 1 }),
      ]);
    },
  );

  test('an import that leaves the order Unprocessed, or of an order nothing waits for, sends nothing', async () => {
    t.orders.seed(waiting());
    await t.call(PUT_ORDER, ids, { status: 'Unprocessed' });
    await t.call(PUT_ORDER, { channelId: 'c1', orderId: '9' }, { status: 'On Hold' });
    expect(t.queue.sent).toEqual([]);
  });

  test('a failed send answers 500; the same import again sends it', async () => {
    t.orders.seed(waiting('Unprocessed'));
    t.queue.failAfter = 0;
    expect((await t.call(PUT_ORDER, ids, { status: 'On Hold' })).status).toBe(500);
    t.queue.failAfter = Infinity;
    expect((await t.call(PUT_ORDER, ids, { status: 'On Hold' })).status).toBe(200);
    expect(t.queue.sent).toHaveLength(1);
  });

  test('importing over a Cancelled this system set adds an om_import history entry', async () => {
    t.orders.seed({
      ...waiting('Cancelled'),
      pending: {},
      history: [historyEntry()],
    });
    const res = await t.call(PUT_ORDER, ids, { status: 'On Hold' });
    expect(res.body?.status).toBe('On Hold');
    expect(res.body?.history).toEqual([
      expect.objectContaining({ outcome: 'cancelled' }),
      expect.objectContaining({
        source: 'om_import',
        outcome: 'status_changed_by_om_import',
        statusBefore: 'Cancelled',
        statusAfter: 'On Hold',
      }),
    ]);
  });
});

test('generateWebhookToken: 32 random bytes, base64url, different each time', () => {
  const a = generateWebhookToken();
  expect(Buffer.from(a, 'base64url')).toHaveLength(32);
  expect(a).not.toBe(generateWebhookToken());
});
