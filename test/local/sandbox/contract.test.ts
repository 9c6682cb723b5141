/**
 * Contract tests: every answer of the sandbox's BigCommerce API is validated with ajv against the shapes
 * BigCommerce publishes (test/fixtures/bigcommerce), which also allow no undocumented field.
 */
import { type Sandbox, startSandbox } from '../../../local/sandbox/server';
import {
  callbackExample,
  callbackExampleFiles,
  exampleOrder,
  schemaErrors,
} from '../../support/bigcommerce-fixtures';
import { call } from './support';

const STORE = 'contract1';
const TOKEN = 'token-contract';
const T0 = Date.parse('2026-03-01T10:00:00Z');

let sb: Sandbox;
let clock = T0;
let api: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0, now: () => clock, rateLimit: { quota: 10_000, windowMs: 30_000 } });
  sb.createStore({ storeHash: STORE, accessToken: TOKEN, clientSecret: 'secret-contract' });
  api = `${sb.url}/stores/${STORE}`;
});
afterAll(() => sb.stop());

const hooksPath = (query = '') => `${api}/v3/hooks${query}`;

describe('the published shapes (test/fixtures/bigcommerce)', () => {
  it.each(callbackExampleFiles().map((f) => f.replace(/\.json$/, '')))(
    'accept the published callback example %s',
    (name) => {
      const body = callbackExample(name);
      expect(schemaErrors('callback-base', body)).toEqual([]);
      if (name.startsWith('store_order_')) expect(schemaErrors('store-order', body)).toEqual([]);
      if (name === 'store_order_statusUpdated') {
        expect(schemaErrors('store-order-status-updated', body)).toEqual([]);
      }
    },
  );

  it('accept the published example order, and refuse an undocumented or a missing field', () => {
    const order = exampleOrder();
    expect(schemaErrors('order', order)).toEqual([]);
    expect(schemaErrors('order', { ...order, extra: 1 })).toEqual(['/ must NOT have additional properties']);
    const { status_id: _statusId, ...withoutStatus } = order;
    expect(schemaErrors('order', withoutStatus)).toEqual(["/ must have required property 'status_id'"]);
  });
});

describe('authentication', () => {
  it.each([
    ['no token', `${STORE}`, undefined],
    ['a wrong token', `${STORE}`, 'nope'],
    ['an unknown store', 'nosuchstore', TOKEN],
  ])('answers 401 with error_Full for %s', async (_name, store, token) => {
    for (const url of [`${sb.url}/stores/${store}/v3/hooks`, `${sb.url}/stores/${store}/v2/orders/1`]) {
      const res = await call(url, { token });
      expect(res.status).toBe(401);
      expect(schemaErrors('error', res.body)).toEqual([]);
      expect(res.body).toMatchObject({ status: 401, title: expect.stringContaining('Unauthorized') });
    }
  });
});

describe('webhooks v3', () => {
  const destination = 'https://om.example.com/webhooks/bigcommerce/ch-1';

  it('creates a hook (200, data + meta) with every documented field and nothing else', async () => {
    const res = await call(hooksPath(), {
      method: 'POST',
      token: TOKEN,
      body: {
        scope: 'store/order/statusUpdated',
        destination,
        is_active: true,
        headers: { 'X-Webhook-Token': 'w' },
      },
    });
    expect(res.status).toBe(200);
    expect(schemaErrors('hook-response', res.body)).toEqual([]);
    const data = (res.body as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({
      store_hash: STORE,
      scope: 'store/order/statusUpdated',
      destination,
      is_active: true,
      headers: { 'X-Webhook-Token': 'w' },
      created_at: Math.floor(T0 / 1000),
      updated_at: Math.floor(T0 / 1000),
    });
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('defaults is_active to true and answers empty or absent headers as null', async () => {
    const res = await call(hooksPath(), {
      method: 'POST',
      token: TOKEN,
      body: { scope: 'store/order/updated', destination, headers: {} },
    });
    expect(res.status).toBe(200);
    expect((res.body as { data: unknown }).data).toMatchObject({ is_active: true, headers: null });
  });

  it('answers 422 (errorDetailed_Full) for a second hook with the same scope and destination', async () => {
    const res = await call(hooksPath(), {
      method: 'POST',
      token: TOKEN,
      body: { scope: 'store/order/statusUpdated', destination },
    });
    expect(res.status).toBe(422);
    expect(schemaErrors('error-detailed', res.body)).toEqual([]);
    expect(sb.hooks(STORE)).toHaveLength(2);
  });

  it.each([
    [{ scope: 'store/order/created' }, { destination: 'error.path.missing' }],
    [{ destination }, { scope: 'error.path.missing' }],
    [
      { scope: 'store/order/created', destination, is_active: 'yes' },
      { is_active: 'error.expected.jsboolean' },
    ],
    [{ scope: 'store/order/created', destination: 'not a url' }, { destination: 'error.url.invalid' }],
  ])('answers 422 naming the bad field for %j', async (body, errors) => {
    const res = await call(hooksPath(), { method: 'POST', token: TOKEN, body });
    expect(res.status).toBe(422);
    expect(schemaErrors('error-detailed', res.body)).toEqual([]);
    expect(res.body).toMatchObject({ status: 422, errors });
  });

  it('answers 400 (error_Full) for a body that is not JSON', async () => {
    const res = await call(hooksPath(), { method: 'POST', token: TOKEN, rawBody: '{nope' });
    expect(res.status).toBe(400);
    expect(schemaErrors('error', res.body)).toEqual([]);
  });

  it('lists hooks with filters and pagination (webhooks_Resp)', async () => {
    await call(hooksPath(), {
      method: 'POST',
      token: TOKEN,
      body: { scope: 'store/order/statusUpdated', destination: `${destination}-2`, is_active: false },
    });
    const all = await call(hooksPath(), { token: TOKEN });
    expect(all.status).toBe(200);
    expect(schemaErrors('hook-list-response', all.body)).toEqual([]);
    const list = all.body as {
      data: Record<string, unknown>[];
      meta: { pagination: Record<string, unknown> };
    };
    expect(list.data).toHaveLength(3);
    expect(list.meta.pagination).toMatchObject({
      total: 3,
      count: 3,
      per_page: 50,
      current_page: 1,
      total_pages: 1,
    });

    const filtered = async (query: string) =>
      (
        (await call(hooksPath(query), { token: TOKEN })).body as {
          data: { destination: string; scope: string }[];
        }
      ).data;
    expect(await filtered('?scope=store/order/statusUpdated')).toHaveLength(2);
    expect(await filtered(`?destination=${encodeURIComponent(destination)}`)).toHaveLength(2);
    expect(await filtered('?is_active=false')).toEqual([
      expect.objectContaining({ destination: `${destination}-2` }),
    ]);
    expect(
      await filtered(`?scope=store/order/updated&destination=${encodeURIComponent(destination)}`),
    ).toEqual([expect.objectContaining({ scope: 'store/order/updated' })]);

    const page2 = await call(hooksPath('?limit=1&page=2'), { token: TOKEN });
    expect(schemaErrors('hook-list-response', page2.body)).toEqual([]);
    const p2 = page2.body as typeof list;
    expect(p2.data).toHaveLength(1);
    expect(p2.data[0]?.id).toBe(list.data[1]?.id);
    expect(p2.meta.pagination).toMatchObject({
      total: 3,
      count: 1,
      per_page: 1,
      current_page: 2,
      total_pages: 3,
      links: { previous: '?limit=1&page=1', current: '?limit=1&page=2', next: '?limit=1&page=3' },
    });
  });

  it('answers an empty page with data [] and the pagination block', async () => {
    const res = await call(hooksPath('?scope=store/cart/created'), { token: TOKEN });
    expect(res.status).toBe(200);
    // The published schema says minItems: 1, but BigCommerce answers an empty list with data: [].
    expect(res.body).toMatchObject({
      data: [],
      meta: { pagination: { total: 0, count: 0, total_pages: 0 } },
    });
    expect(schemaErrors('hook-list-response', res.body)).toEqual([]);
  });

  it('gets, updates and deletes one hook (webhook_Resp), and 404s unknown ids (error_Full)', async () => {
    const [first] = sb.hooks(STORE) as { id: number }[];
    const id = first?.id ?? 0;
    const got = await call(hooksPath(`/${id}`), { token: TOKEN });
    expect(got.status).toBe(200);
    expect(schemaErrors('hook-response', got.body)).toEqual([]);

    clock += 5000;
    const put = await call(hooksPath(`/${id}`), {
      method: 'PUT',
      token: TOKEN,
      body: { is_active: false, headers: { 'X-Webhook-Token': 'rotated' } },
    });
    expect(put.status).toBe(200);
    expect(schemaErrors('hook-response', put.body)).toEqual([]);
    expect((put.body as { data: unknown }).data).toMatchObject({
      id,
      is_active: false,
      headers: { 'X-Webhook-Token': 'rotated' },
      updated_at: Math.floor(clock / 1000),
      created_at: Math.floor(T0 / 1000),
    });

    const emptyPut = await call(hooksPath(`/${id}`), { method: 'PUT', token: TOKEN, body: {} });
    expect(emptyPut.status).toBe(422);

    const deleted = await call(hooksPath(`/${id}`), { method: 'DELETE', token: TOKEN });
    expect(deleted.status).toBe(200);
    expect(schemaErrors('hook-response', deleted.body)).toEqual([]);
    expect((deleted.body as { data: { id: number } }).data.id).toBe(id);

    for (const method of ['GET', 'PUT', 'DELETE']) {
      const missing = await call(hooksPath(`/${id}`), {
        method,
        token: TOKEN,
        body: method === 'PUT' ? { is_active: true } : undefined,
      });
      expect(missing.status).toBe(404);
      expect(schemaErrors('error', missing.body)).toEqual([]);
      expect(missing.body).toMatchObject({ title: `Webhook with id [${id}] not found` });
    }
  });
});

describe('orders v2', () => {
  const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
  const documentedExample = exampleOrder();

  const expectOrderShape = (order: Record<string, unknown>) => {
    // Only documented fields (the schema allows no other), and every field of the published example
    // except the include-only `fees`.
    expect(schemaErrors('order', order)).toEqual([]);
    expect(Object.keys(documentedExample).filter((k) => k !== 'fees' && !(k in order))).toEqual([]);
    expect(order.date_created).toMatch(RFC_2822);
    expect(order.date_modified).toMatch(RFC_2822);
  };

  beforeAll(() => {
    // Orders 101..105 modified one second apart, with statuses 11, 5, 11, 2, 10.
    [11, 5, 11, 2, 10].forEach((status, i) => {
      clock = T0 + 60_000 + i * 1000;
      sb.setOrderStatus(STORE, 101 + i, status);
    });
  });

  it('gets an order (order_Resp) with status, custom_status and date_modified kept consistent', async () => {
    const res = await call(`${api}/v2/orders/104`, { token: TOKEN });
    expect(res.status).toBe(200);
    const order = res.body as Record<string, unknown>;
    expectOrderShape(order);
    expect(order).toMatchObject({
      id: 104,
      status_id: 2,
      status: 'Shipped',
      custom_status: 'Shipped',
      date_modified: new Date(T0 + 63_000).toUTCString().replace('GMT', '+0000'),
      date_shipped: expect.stringMatching(RFC_2822),
    });
  });

  it('404s an unknown order with the v2 error array', async () => {
    const res = await call(`${api}/v2/orders/999`, { token: TOKEN });
    expect(res.status).toBe(404);
    expect(res.body).toEqual([{ status: 404, message: 'The requested resource was not found.' }]);
    expect(schemaErrors('order-error', res.body)).toEqual([]);
  });

  it('updates status_id with PUT (order_Resp) and moves date_modified', async () => {
    clock = T0 + 120_000;
    const res = await call(`${api}/v2/orders/101`, { method: 'PUT', token: TOKEN, body: { status_id: 9 } });
    expect(res.status).toBe(200);
    expectOrderShape(res.body as Record<string, unknown>);
    expect(res.body).toMatchObject({
      id: 101,
      status_id: 9,
      status: 'Awaiting Shipment',
      date_modified: new Date(clock).toUTCString().replace('GMT', '+0000'),
    });
    const again = await call(`${api}/v2/orders/101`, { token: TOKEN });
    expect(again.body).toMatchObject({ status_id: 9 });
  });

  it.each([[{ status_id: 99 }], [{ status_id: '5' }]])(
    'answers 400 for an invalid status_id %j',
    async (body) => {
      const res = await call(`${api}/v2/orders/102`, { method: 'PUT', token: TOKEN, body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual([{ status: 400, message: "The field 'status_id' is invalid." }]);
      expect(schemaErrors('order-error', res.body)).toEqual([]);
      expect(sb.setOrderStatus(STORE, 102, 5)).toMatchObject({ status_id: 5 });
    },
  );

  const list = async (query: string) => {
    const res = await call(`${api}/v2/orders${query}`, { token: TOKEN });
    if (res.status === 200) {
      expect(schemaErrors('order-list-response', res.body)).toEqual([]);
      for (const order of res.body as Record<string, unknown>[]) expectOrderShape(order);
    }
    return {
      status: res.status,
      ids: ((res.body as { id: number }[] | undefined) ?? []).map((o) => o.id),
      res,
    };
  };

  it('lists orders by id by default (orderCollection_Resp)', async () => {
    expect((await list('')).ids).toEqual([101, 102, 103, 104, 105]);
  });

  it('filters by min/max_date_modified (RFC-2822 or ISO-8601, inclusive, whole seconds) and status_id', async () => {
    const iso = new Date(T0 + 62_000).toISOString();
    expect((await list(`?min_date_modified=${encodeURIComponent(iso)}`)).ids).toEqual([101, 103, 104, 105]);
    const rfc = new Date(T0 + 62_500).toUTCString().replace('GMT', '+0000');
    expect((await list(`?max_date_modified=${encodeURIComponent(rfc)}`)).ids).toEqual([102, 103]);
    expect((await list('?status_id=11')).ids).toEqual([103]);
  });

  it('sorts by date_modified and pages with limit; past the last page answers 204 with no body', async () => {
    expect((await list('?sort=date_modified:asc')).ids).toEqual([102, 103, 104, 105, 101]);
    expect((await list('?sort=date_modified:desc')).ids).toEqual([101, 105, 104, 103, 102]);
    expect((await list('?sort=date_modified:asc&limit=2&page=2')).ids).toEqual([104, 105]);
    const past = await list('?sort=date_modified:asc&limit=2&page=4');
    expect(past.status).toBe(204);
    expect(past.res.text).toBe('');
    expect((await list('?status_id=8')).status).toBe(204);
  });

  it.each([
    ['?min_date_modified=yesterday'],
    // An unencoded "+" becomes a space in a query string; BigCommerce would not read it as +0000 either.
    ['?min_date_modified=Sun, 01 Mar 2026 10:00:00 +0000'],
    ['?sort=total:asc'],
    ['?status_id=x'],
    ['?limit=0'],
  ])('answers 400 with the v2 error array for %s', async (query) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.res.body).toEqual([{ status: 400, message: expect.stringContaining('is invalid') }]);
  });
});

describe('rate-limit headers', () => {
  it('are on every answer, including errors', async () => {
    for (const [url, token] of [
      [`${api}/v3/hooks`, TOKEN],
      [`${api}/v2/orders/999`, TOKEN],
      [`${api}/v2/orders?page=99`, TOKEN],
      [`${api}/v3/hooks`, 'wrong'],
    ] as const) {
      const res = await call(url, { token });
      expect(res.headers.get('x-rate-limit-requests-quota')).toBe('10000');
      expect(res.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
      expect(Number(res.headers.get('x-rate-limit-requests-left'))).toBeGreaterThan(0);
      expect(Number(res.headers.get('x-rate-limit-time-reset-ms'))).toBeGreaterThan(0);
    }
  });
});
