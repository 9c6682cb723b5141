import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BigCommerceError,
  BigCommerceThrottledError,
  HttpBigCommerceClient,
  throttleWaitMs,
  type HttpBigCommerceClientOptions,
} from '../../../functions/adapters/bigcommerce-client';

/** A scripted BigCommerce: each request takes the next answer; every request is recorded. */
interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let baseUrl: string;
let script: Scripted[] = [];
let seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const answer = script.shift() ?? { status: 500, body: { title: 'no script left' } };
      const reply = () => {
        if (res.destroyed) return;
        const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...answer.headers,
        });
        res.end(body);
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs).unref();
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  script = [];
  seen = [];
});

const creds = { storeHash: 'abc123', accessToken: 'secret-token-xyz' };
const rawOrder = (id: number, statusId: number) => ({
  id,
  status_id: statusId,
  status: 'Cancelled',
  date_modified: 'Wed, 05 Dec 2018 20:16:55 +0000',
  customer_id: 1,
});

function client(options: Partial<HttpBigCommerceClientOptions> = {}) {
  const sleeps: number[] = [];
  const c = new HttpBigCommerceClient({
    baseUrl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { c, sleeps };
}

describe('HttpBigCommerceClient.getOrder', () => {
  test('authenticates, asks for JSON and converts the order (RFC-2822 date → ISO)', async () => {
    script = [{ status: 200, body: rawOrder(7, 5) }];
    const { c } = client();
    await expect(c.getOrder(creds, 7)).resolves.toEqual({
      id: 7,
      statusId: 5,
      status: 'Cancelled',
      dateModified: '2018-12-05T20:16:55.000Z',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe('/stores/abc123/v2/orders/7');
    expect(seen[0]!.headers['x-auth-token']).toBe('secret-token-xyz');
    expect(seen[0]!.headers.accept).toBe('application/json');
  });

  test('404 → undefined, with exactly one request', async () => {
    script = [{ status: 404, body: [{ status: 404, message: 'The requested resource was not found.' }] }];
    const { c, sleeps } = client();
    await expect(c.getOrder(creds, 8)).resolves.toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('429 then success waits X-Rate-Limit-Time-Reset-Ms when it is the longer', async () => {
    script = [
      { status: 429, headers: { 'X-Rate-Limit-Time-Reset-Ms': '1500', 'X-Retry-After': '1' } },
      { status: 200, body: rawOrder(7, 2) },
    ];
    const throttled: number[] = [];
    const { c, sleeps } = client();
    const order = await c.getOrder(creds, 7, { onThrottle: (ms) => throttled.push(ms) });
    expect(order?.statusId).toBe(2);
    expect(sleeps).toEqual([1500]);
    expect(throttled).toEqual([1500]);
    expect(seen).toHaveLength(2);
  });

  test('429 waits X-Retry-After (seconds) when it is the longer', async () => {
    script = [
      { status: 429, headers: { 'X-Rate-Limit-Time-Reset-Ms': '200', 'X-Retry-After': '3' } },
      { status: 200, body: rawOrder(7, 2) },
    ];
    const { c, sleeps } = client();
    await c.getOrder(creds, 7);
    expect(sleeps).toEqual([3000]);
  });

  test('a 429 wait that would pass the deadline fails at once, retryably', async () => {
    script = [{ status: 429, headers: { 'X-Rate-Limit-Time-Reset-Ms': '5000' } }];
    const { c, sleeps } = client();
    const error = await c.getOrder(creds, 7, { deadline: Date.now() + 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BigCommerceError);
    expect(error).toMatchObject({ status: 429, retryable: true });
    expect(sleeps).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  test('keeps waiting out 429s only up to maxThrottleRetries', async () => {
    script = Array.from({ length: 4 }, () => ({ status: 429, headers: { 'X-Retry-After': '1' } }));
    const { c, sleeps } = client({ maxThrottleRetries: 2 });
    await expect(c.getOrder(creds, 7)).rejects.toMatchObject({ status: 429, retryable: true });
    expect(sleeps).toEqual([1000, 1000]);
    expect(seen).toHaveLength(3);
  });

  test('5xx is retried with jittered exponential backoff', async () => {
    script = [{ status: 502 }, { status: 503 }, { status: 200, body: rawOrder(7, 10) }];
    const { c, sleeps } = client({ backoffBaseMs: 100, backoffCapMs: 1000 });
    await expect(c.getOrder(creds, 7)).resolves.toMatchObject({ statusId: 10 });
    // ceiling 100 then 200; random 0.5 → three quarters of each.
    expect(sleeps).toEqual([75, 150]);
  });

  test('the jitter spans half to all of the ceiling', async () => {
    script = [{ status: 500 }, { status: 500 }, { status: 200, body: rawOrder(7, 10) }];
    const randoms = [0, 0.999];
    const { c, sleeps } = client({ backoffBaseMs: 100, random: () => randoms.shift()! });
    await c.getOrder(creds, 7);
    expect(sleeps).toEqual([50, 200]);
  });

  test('5xx that persists fails retryably after maxAttempts', async () => {
    script = [{ status: 500 }, { status: 500 }, { status: 500 }];
    const { c } = client();
    await expect(c.getOrder(creds, 7)).rejects.toMatchObject({
      name: 'BigCommerceError',
      status: 500,
      retryable: true,
      message: expect.stringMatching(/answered 500 \(after 3 tries\)/),
    });
    expect(seen).toHaveLength(3);
  });

  test('a backoff that would pass the deadline is not slept', async () => {
    script = [{ status: 503 }];
    const { c, sleeps } = client({ backoffBaseMs: 1000 });
    await expect(c.getOrder(creds, 7, { deadline: Date.now() + 300 })).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/no time left/),
    });
    expect(sleeps).toEqual([]);
  });

  test('no request at all once the deadline has passed', async () => {
    const { c } = client();
    await expect(c.getOrder(creds, 7, { deadline: Date.now() - 1 })).rejects.toMatchObject({
      retryable: true,
    });
    expect(seen).toHaveLength(0);
  });

  test('a slow answer times out per request and is retried', async () => {
    script = [
      { status: 200, body: rawOrder(7, 5), delayMs: 2000 },
      { status: 200, body: rawOrder(7, 5) },
    ];
    const { c } = client({ requestTimeoutMs: 50 });
    await expect(c.getOrder(creds, 7)).resolves.toMatchObject({ statusId: 5 });
    expect(seen).toHaveLength(2);
  });

  test('the request timeout is bounded by the deadline', async () => {
    script = [{ status: 200, body: rawOrder(7, 5), delayMs: 2000 }];
    const { c } = client({ requestTimeoutMs: 10_000, maxAttempts: 1 });
    await expect(c.getOrder(creds, 7, { deadline: Date.now() + 100 })).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/timed out/),
    });
  });

  test('network errors are retried', async () => {
    let calls = 0;
    const fetchFn: typeof fetch = async (...args) => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed');
      return fetch(...args);
    };
    script = [{ status: 200, body: rawOrder(7, 5) }];
    const { c } = client({ fetch: fetchFn });
    await expect(c.getOrder(creds, 7)).resolves.toMatchObject({ statusId: 5 });
    expect(calls).toBe(2);
  });

  test('401 fails without retry, and the error never carries the token', async () => {
    script = [{ status: 401, body: { status: 401, title: 'Unauthorized' } }];
    const { c } = client();
    const error = (await c.getOrder(creds, 7).catch((e: unknown) => e)) as BigCommerceError;
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(seen).toHaveLength(1);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
      creds.accessToken,
    );
  });

  test('an unexpected body is a clear, non-retryable error naming the field', async () => {
    script = [
      { status: 200, body: { id: 7, status: 'x', date_modified: 'Wed, 05 Dec 2018 20:16:55 +0000' } },
    ];
    const { c } = client();
    await expect(c.getOrder(creds, 7)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/status_id/),
    });
  });
});

describe('HttpBigCommerceClient: listOrders and hooks', () => {
  test('listOrders sends the query and maps orders; 204 → []', async () => {
    script = [{ status: 200, body: [rawOrder(1, 5), rawOrder(2, 10)] }, { status: 204 }];
    const { c } = client();
    const query = {
      minDateModified: '2026-05-01T00:00:00.000Z',
      statusId: 5,
      sort: 'date_modified:asc',
      page: 1,
      limit: 50,
    };
    await expect(c.listOrders(creds, query)).resolves.toMatchObject([
      { id: 1, statusId: 5 },
      { id: 2, statusId: 10 },
    ]);
    const url = new URL(seen[0]!.url, baseUrl);
    expect(url.pathname).toBe('/stores/abc123/v2/orders');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      min_date_modified: '2026-05-01T00:00:00.000Z',
      status_id: '5',
      sort: 'date_modified:asc',
      page: '1',
      limit: '50',
    });
    await expect(c.listOrders(creds, { page: 2, limit: 50 })).resolves.toEqual([]);
  });

  test('listHooks follows pagination and maps the hooks', async () => {
    const hook = (id: number) => ({
      id,
      client_id: 'c',
      store_hash: 'abc123',
      scope: 'store/order/statusUpdated',
      destination: 'https://example.com/webhooks/bigcommerce/ch1',
      is_active: id !== 2,
      headers: id === 1 ? { 'X-Webhook-Token': 't' } : null,
      created_at: 1,
      updated_at: 1,
    });
    const meta = (page: number) => ({ pagination: { current_page: page, total_pages: 3, total: 3 } });
    script = [
      { status: 200, body: { data: [hook(1)], meta: meta(1) } },
      { status: 200, body: { data: [hook(2)], meta: meta(2) } },
      { status: 200, body: { data: [hook(3)], meta: meta(3) } },
    ];
    const { c } = client();
    const hooks = await c.listHooks(creds, { scope: 'store/order/statusUpdated', isActive: true });
    expect(hooks).toEqual([
      {
        id: 1,
        scope: 'store/order/statusUpdated',
        destination: 'https://example.com/webhooks/bigcommerce/ch1',
        isActive: true,
        headers: { 'X-Webhook-Token': 't' },
      },
      expect.objectContaining({ id: 2, isActive: false, headers: null }),
      expect.objectContaining({ id: 3 }),
    ]);
    expect(seen.map((s) => new URL(s.url, baseUrl).searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(new URL(seen[0]!.url, baseUrl).searchParams.get('is_active')).toBe('true');
    expect(new URL(seen[0]!.url, baseUrl).searchParams.get('scope')).toBe('store/order/statusUpdated');
  });

  test('createHook, updateHook and deleteHook speak BigCommerce field names', async () => {
    const data = {
      id: 9,
      scope: 's',
      destination: 'https://d',
      is_active: false,
      headers: { h: 'v' },
    };
    script = [
      { status: 200, body: { data, meta: {} } },
      { status: 200, body: { data: { ...data, is_active: true }, meta: {} } },
      { status: 200, body: { data, meta: {} } },
      { status: 404, body: { status: 404, title: 'not found' } },
    ];
    const { c } = client();
    await expect(
      c.createHook(creds, { scope: 's', destination: 'https://d', isActive: false, headers: { h: 'v' } }),
    ).resolves.toEqual({ id: 9, scope: 's', destination: 'https://d', isActive: false, headers: { h: 'v' } });
    expect(JSON.parse(seen[0]!.body)).toEqual({
      scope: 's',
      destination: 'https://d',
      is_active: false,
      headers: { h: 'v' },
    });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    await expect(c.updateHook(creds, 9, { isActive: true })).resolves.toMatchObject({ isActive: true });
    expect(seen[1]).toMatchObject({ method: 'PUT', url: '/stores/abc123/v3/hooks/9' });
    expect(JSON.parse(seen[1]!.body)).toEqual({ is_active: true });
    await expect(c.deleteHook(creds, 9)).resolves.toBeUndefined();
    await expect(c.deleteHook(creds, 9)).resolves.toBeUndefined(); // already gone: fine
    expect(seen.slice(2).map((s) => s.method)).toEqual(['DELETE', 'DELETE']);
  });

  test('updateHook of a missing hook is a 404 error', async () => {
    script = [{ status: 404, body: { status: 404 } }];
    const { c } = client();
    await expect(c.updateHook(creds, 1, { isActive: true })).rejects.toMatchObject({ status: 404 });
  });
});

describe('throttleWaitMs', () => {
  test.each([
    [{ 'X-Rate-Limit-Time-Reset-Ms': '250' }, 250],
    [{ 'X-Retry-After': '2' }, 2000],
    [{ 'X-Rate-Limit-Time-Reset-Ms': '2500', 'X-Retry-After': '2' }, 2500],
    [{ 'X-Rate-Limit-Time-Reset-Ms': 'nonsense' }, 1000],
    [{}, 1000],
  ])('%j → %i ms', (headers, expected) => {
    expect(throttleWaitMs(new Headers(headers))).toBe(expected);
  });
});

describe('HttpBigCommerceClient: a good neighbour on the store quota', () => {
  const limited = (resetMs: number, retryAfterS?: number): Scripted => ({
    status: 429,
    headers: {
      'X-Rate-Limit-Time-Reset-Ms': String(resetMs),
      ...(retryAfterS === undefined ? {} : { 'X-Retry-After': String(retryAfterS) }),
    },
  });

  test('a 429 asking for more than maxThrottleWaitMs throws BigCommerceThrottledError at once (the longer header)', async () => {
    script = [limited(4_000, 9)];
    const { c, sleeps } = client({ maxThrottleWaitMs: 1_000 });
    const error = await c.getOrder(creds, 7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BigCommerceThrottledError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 9_000 });
    expect(sleeps).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  test('a short 429 is waited out in-process, once', async () => {
    script = [limited(800), { status: 200, body: rawOrder(7, 5) }];
    const { c, sleeps } = client({ maxThrottleWaitMs: 1_000 });
    await expect(c.getOrder(creds, 7)).resolves.toMatchObject({ statusId: 5 });
    expect(sleeps).toEqual([800]);
  });

  test('after a long 429 the store is paused: the next call spends no request; other stores go on', async () => {
    let now = 1_000_000;
    script = [limited(30_000)];
    const { c } = client({ maxThrottleWaitMs: 1_000, now: () => now });
    await expect(c.getOrder(creds, 7)).rejects.toBeInstanceOf(BigCommerceThrottledError);
    now += 10_000;
    await expect(c.getOrder(creds, 8)).rejects.toMatchObject({ retryAfterMs: 20_000 });
    expect(seen).toHaveLength(1);
    script = [{ status: 200, body: rawOrder(9, 5) }];
    await expect(c.getOrder({ ...creds, storeHash: 'other' }, 9)).resolves.toMatchObject({ id: 9 });
    now += 20_000;
    script = [{ status: 200, body: rawOrder(7, 5) }];
    await expect(c.getOrder(creds, 7)).resolves.toMatchObject({ id: 7 });
  });

  test('low X-Rate-Limit-Requests-Left spreads the rest of the window over the requests left', async () => {
    const now = 1_000_000;
    const quota = (left: number) => ({
      status: 200,
      body: rawOrder(7, 5),
      headers: { 'X-Rate-Limit-Requests-Left': String(left), 'X-Rate-Limit-Time-Reset-Ms': '3000' },
    });
    script = [quota(50), quota(2), quota(2)];
    const { c, sleeps } = client({ maxThrottleWaitMs: 1_000, lowQuotaRequestsLeft: 5, now: () => now });
    await c.getOrder(creds, 7);
    await c.getOrder(creds, 7);
    expect(sleeps).toEqual([]);
    await c.getOrder(creds, 7);
    expect(sleeps).toEqual([1_000]);
  });

  test('no more than perStoreConcurrency requests to one store in flight; other stores are not held', async () => {
    script = Array.from({ length: 8 }, () => ({ status: 200, body: rawOrder(7, 5), delayMs: 40 }));
    const inFlight = new Map<string, number>();
    const most = new Map<string, number>();
    const counting: typeof fetch = async (...args) => {
      const store = String(args[0]).split('/stores/')[1]!.split('/')[0]!;
      inFlight.set(store, (inFlight.get(store) ?? 0) + 1);
      most.set(store, Math.max(most.get(store) ?? 0, inFlight.get(store)!));
      try {
        return await fetch(...args);
      } finally {
        inFlight.set(store, inFlight.get(store)! - 1);
      }
    };
    const { c } = client({ perStoreConcurrency: 2, fetch: counting });
    let slowDone = false;
    const slow = Promise.all(Array.from({ length: 6 }, () => c.getOrder(creds, 7))).then(() => {
      slowDone = true;
    });
    await Promise.all([1, 2].map(() => c.getOrder({ ...creds, storeHash: 'other' }, 7)));
    // The other store finished while abc123 still had queued requests (6 at 2 at a time).
    expect(slowDone).toBe(false);
    await slow;
    expect(most.get('abc123')).toBe(2);
    expect(most.get('other')).toBe(2);
  });

  test.each([501, 505])('%d is not retried', async (status) => {
    script = [{ status }];
    const { c, sleeps } = client();
    await expect(c.getOrder(creds, 7)).rejects.toMatchObject({ status, retryable: false });
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});
