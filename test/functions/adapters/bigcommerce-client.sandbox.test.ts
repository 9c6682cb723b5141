import { BigCommerceError, HttpBigCommerceClient } from '../../../functions/adapters/bigcommerce-client';
import { startSandbox, type Sandbox } from '../../../local/sandbox/server';

/** Contract: the client against the BigCommerce sandbox (the documented API subset). */
let sb: Sandbox;
const creds = { storeHash: 'contract1', accessToken: 'tok-contract' };

beforeAll(async () => {
  sb = await startSandbox({ port: 0, timeScale: 0.001, rateLimit: false });
  sb.createStore({ ...creds, clientSecret: 'cs' });
});
afterAll(() => sb.stop());

const client = () => new HttpBigCommerceClient({ baseUrl: sb.url });

test('getOrder reads status_id and date_modified; 404 for an unknown order', async () => {
  sb.setOrderStatus(creds.storeHash, 11, 9);
  sb.setOrderStatus(creds.storeHash, 11, 5);
  const order = await client().getOrder(creds, 11);
  expect(order).toMatchObject({ id: 11, statusId: 5 });
  expect(order!.dateModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  await expect(client().getOrder(creds, 99_999)).resolves.toBeUndefined();
});

test('a wrong token is a non-retryable 401', async () => {
  await expect(client().getOrder({ ...creds, accessToken: 'wrong' }, 11)).rejects.toMatchObject({
    status: 401,
    retryable: false,
  });
});

test('probeOrdersAccess: ok, 401 unauthorized, 403 without an Orders scope (hooks still allowed)', async () => {
  const narrow = { storeHash: 'narrow1', accessToken: 'tok-narrow' };
  sb.createStore({ ...narrow, clientSecret: 'cs', scopes: ['store_v2_content'] });
  await expect(client().probeOrdersAccess(creds)).resolves.toBe('ok');
  await expect(client().probeOrdersAccess({ ...creds, accessToken: 'wrong' })).resolves.toBe('unauthorized');
  await expect(client().probeOrdersAccess(narrow)).resolves.toBe('forbidden');
  await expect(client().listHooks(narrow, {})).resolves.toEqual([]);
  const probe = sb.requests.filter((r) => r.storeHash === 'narrow1' && r.path.endsWith('/v2/orders'));
  expect(probe.map((r) => `${r.query} ${r.status}`)).toEqual(['?limit=1 403']);
});

test('SANDBOX_LATENCY_MS: every API answer takes at least that long', async () => {
  const slow = await startSandbox({ port: 0, rateLimit: false, latencyMs: 120 });
  try {
    slow.createStore({ ...creds, clientSecret: 'cs' });
    const started = Date.now();
    await new HttpBigCommerceClient({ baseUrl: slow.url }).listHooks(creds, {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  } finally {
    await slow.stop();
  }
});

test('waits out the sandbox rate limit (real 429 headers) and succeeds', async () => {
  // A store quota of 2: the third concurrent call is throttled. X-Retry-After is whole seconds, and the
  // client waits the longer of the two headers, so this costs about a second.
  const limited = await startSandbox({ port: 0, timeScale: 0.001, rateLimit: { quota: 2, windowMs: 200 } });
  try {
    limited.createStore({ ...creds, clientSecret: 'cs' });
    limited.setOrderStatus(creds.storeHash, 12, 2);
    const throttles: number[] = [];
    const c = new HttpBigCommerceClient({ baseUrl: limited.url });
    const results = await Promise.all(
      Array.from({ length: 3 }, () => c.getOrder(creds, 12, { onThrottle: (ms) => throttles.push(ms) })),
    );
    expect(results.map((o) => o?.statusId)).toEqual([2, 2, 2]);
    expect(throttles).toEqual([1000]);
    expect(limited.requests.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
  } finally {
    await limited.stop();
  }
});

test('an injected 429 then success costs two requests', async () => {
  sb.setOrderStatus(creds.storeHash, 13, 10);
  sb.injectFault({
    storeHash: creds.storeHash,
    pathPattern: '/v2/orders/13',
    count: 1,
    status: 429,
    headers: { 'X-Rate-Limit-Time-Reset-Ms': '30', 'X-Retry-After': '0' },
  });
  const before = sb.requests.length;
  await expect(client().getOrder(creds, 13)).resolves.toMatchObject({ statusId: 10 });
  expect(sb.requests.slice(before).map((r) => [r.path, r.status])).toEqual([
    ['/stores/contract1/v2/orders/13', 429],
    ['/stores/contract1/v2/orders/13', 200],
  ]);
});

test('hooks: create, list (filters), update, delete, delete again', async () => {
  const c = client();
  const created = await c.createHook(creds, {
    scope: 'store/order/statusUpdated',
    destination: 'https://om.example/webhooks/bigcommerce/ch1',
    isActive: true,
    headers: { 'X-Webhook-Token': 'w' },
  });
  expect(created).toMatchObject({ scope: 'store/order/statusUpdated', isActive: true });
  await c.createHook(creds, {
    scope: 'store/order/created',
    destination: 'https://om.example/webhooks/bigcommerce/ch1',
    isActive: false,
    headers: {},
  });
  expect((await c.listHooks(creds, {})).map((h) => h.scope).sort()).toEqual([
    'store/order/created',
    'store/order/statusUpdated',
  ]);
  expect(await c.listHooks(creds, { isActive: false })).toEqual([
    expect.objectContaining({ scope: 'store/order/created', headers: null }),
  ]);
  await expect(c.updateHook(creds, created.id, { isActive: false })).resolves.toMatchObject({
    isActive: false,
  });
  await c.deleteHook(creds, created.id);
  await expect(c.deleteHook(creds, created.id)).resolves.toBeUndefined();
  expect(sb.hooks(creds.storeHash)).toHaveLength(1);
  await expect(c.updateHook(creds, created.id, { isActive: true })).rejects.toBeInstanceOf(BigCommerceError);
});

test('listOrders pages through and answers [] past the end', async () => {
  const c = client();
  const page1 = await c.listOrders(creds, { page: 1, limit: 2, sort: 'id:asc' });
  expect(page1.map((o) => o.id)).toEqual([11, 13]);
  await expect(c.listOrders(creds, { page: 2, limit: 1, sort: 'id:asc' })).resolves.toMatchObject([
    { id: 13 },
  ]);
  const cancelled = await c.listOrders(creds, { page: 1, limit: 50, statusId: 5 });
  expect(cancelled.map((o) => o.id)).toEqual([11]);
  await expect(c.listOrders(creds, { page: 50, limit: 50 })).resolves.toEqual([]);
});
