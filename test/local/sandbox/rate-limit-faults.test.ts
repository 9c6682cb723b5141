/** Per-store rate limiting (429 + X-Rate-Limit-* headers) and injected faults. */
import { type Sandbox, startSandbox } from '../../../local/sandbox/server';
import { schemaErrors } from '../../support/bigcommerce-fixtures';
import { call } from './support';

const T0 = Date.parse('2026-05-01T00:00:00Z');
let clock = T0;
let sb: Sandbox;

beforeEach(async () => {
  clock = T0;
  sb = await startSandbox({ port: 0, now: () => clock, rateLimit: { quota: 3, windowMs: 10_000 } });
  sb.createStore({ storeHash: 'rl1', accessToken: 'tok1', clientSecret: 's1' });
  sb.createStore({ storeHash: 'rl2', accessToken: 'tok2', clientSecret: 's2' });
});
afterEach(() => sb.stop());

const hooks = (store: string, token: string) => call(`${sb.url}/stores/${store}/v3/hooks`, { token });
const rateHeaders = (res: { headers: Headers }) => ({
  left: res.headers.get('x-rate-limit-requests-left'),
  quota: res.headers.get('x-rate-limit-requests-quota'),
  resetMs: res.headers.get('x-rate-limit-time-reset-ms'),
  windowMs: res.headers.get('x-rate-limit-time-window-ms'),
});

describe('rate limiting', () => {
  it('counts down the quota per store, answers 429 when exhausted, and resets with the window', async () => {
    const lefts: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      clock = T0 + i * 1000;
      const res = await hooks('rl1', 'tok1');
      expect(res.status).toBe(200);
      lefts.push(rateHeaders(res).left);
    }
    expect(lefts).toEqual(['2', '1', '0']);

    clock = T0 + 4000;
    const limited = await hooks('rl1', 'tok1');
    expect(limited.status).toBe(429);
    expect(rateHeaders(limited)).toEqual({ left: '0', quota: '3', resetMs: '6000', windowMs: '10000' });
    expect(limited.headers.get('x-retry-after')).toBe('6');
    expect(schemaErrors('error', limited.body)).toEqual([]);
    expect(limited.body).toMatchObject({ status: 429 });

    // Another store has its own quota; a bad token spends none.
    expect((await hooks('rl2', 'tok2')).status).toBe(200);
    const unauthorized = await hooks('rl2', 'wrong');
    expect(unauthorized.status).toBe(401);
    expect(rateHeaders(unauthorized).left).toBe('2');

    clock = T0 + 10_000;
    const fresh = await hooks('rl1', 'tok1');
    expect(fresh.status).toBe(200);
    expect(rateHeaders(fresh)).toEqual({ left: '2', quota: '3', resetMs: '10000', windowMs: '10000' });
    expect(sb.requests.filter((r) => r.storeHash === 'rl1').map((r) => r.status)).toEqual([
      200, 200, 200, 429, 200,
    ]);
  });

  it('can be switched off', async () => {
    await sb.stop();
    sb = await startSandbox({ port: 0, rateLimit: false });
    sb.createStore({ storeHash: 'rl3', accessToken: 'tok3', clientSecret: 's3' });
    for (let i = 0; i < 5; i++) expect((await hooks('rl3', 'tok3')).status).toBe(200);
  });
});

describe('faults', () => {
  it('replace the next N matching answers, then the store answers normally', async () => {
    sb.setOrderStatus('rl1', 1, 11);
    sb.injectFault({ storeHash: 'rl1', pathPattern: '/v2/orders/', count: 2, status: 500 });
    const order = () => call(`${sb.url}/stores/rl1/v2/orders/1`, { token: 'tok1' });
    const first = await order();
    expect(first.status).toBe(500);
    expect(first.body).toMatchObject({ status: 500 });
    expect((await order()).status).toBe(500);
    expect((await order()).status).toBe(200);
    expect(sb.requests.map((r) => [r.path, r.status])).toEqual([
      ['/stores/rl1/v2/orders/1', 500],
      ['/stores/rl1/v2/orders/1', 500],
      ['/stores/rl1/v2/orders/1', 200],
    ]);
  });

  it('can be a 429 with BigCommerce headers, scoped to one store and a regex path', async () => {
    sb.injectFault({
      storeHash: 'rl2',
      pathPattern: '^/stores/[^/]+/v3/hooks$',
      count: 1,
      status: 429,
      headers: { 'X-Rate-Limit-Time-Reset-Ms': '1500', 'X-Rate-Limit-Requests-Left': '0' },
    });
    expect((await hooks('rl1', 'tok1')).status).toBe(200); // other store: untouched
    const limited = await hooks('rl2', 'tok2');
    expect(limited.status).toBe(429);
    expect(rateHeaders(limited)).toMatchObject({ left: '0', resetMs: '1500', quota: '3' });
    expect((await hooks('rl2', 'tok2')).status).toBe(200);
  });

  it('can delay an answer, or replace its body; control routes are never affected', async () => {
    sb.injectFault({ pathPattern: '/v3/hooks', count: 1, delayMs: 150 });
    const started = Date.now();
    expect((await hooks('rl1', 'tok1')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);

    const injected = await call(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      body: { pathPattern: 'hooks', count: 1, status: 503, body: { title: 'down' } },
    });
    expect(injected.status).toBe(201);
    expect((await call(`${sb.url}/_sandbox/stores/rl1/hooks`)).status).toBe(200);
    const down = await hooks('rl1', 'tok1');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ title: 'down' });

    const bad = await call(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      body: { pathPattern: 'x', count: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [expect.objectContaining({ field: 'count' })] });
  });
});
