/**
 * Webhook deliveries: callbacks match BigCommerce's schemas and examples, verify with `standardwebhooks`
 * the way BigCommerce's sample does, carry the hook's headers, and follow the (time-scaled) retry schedule
 * until the hook is deactivated.
 */
import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { RETRY_SCHEDULE_SECONDS, type Sandbox, startSandbox } from '../../../local/sandbox/server';
import { callbackExample, schemaErrors } from '../../support/bigcommerce-fixtures';
import { type Receiver, call, shapeOf, startReceiver } from './support';

const SECRET = 'client-secret-deliveries';
const TOKEN = 'token-deliveries';
/** The whole 48 h schedule (173 040 s) in well under a second. */
const TIME_SCALE = 0.000005;

let sb: Sandbox;
let receiver: Receiver;
let storeCount = 0;

beforeEach(async () => {
  sb = await startSandbox({ port: 0, timeScale: TIME_SCALE, rateLimit: false, deliveryTimeoutMs: 300 });
  receiver = await startReceiver();
});
afterEach(async () => {
  await sb.stop();
  await receiver.close();
});

/** A fresh store with hooks on `scopes`, all pointing at the receiver. */
const storeWithHooks = async (...scopes: string[]) => {
  const storeHash = `deliv${++storeCount}`;
  sb.createStore({ storeHash, accessToken: TOKEN, clientSecret: SECRET });
  for (const scope of scopes) {
    const res = await call(`${sb.url}/stores/${storeHash}/v3/hooks`, {
      method: 'POST',
      token: TOKEN,
      body: {
        scope,
        destination: receiver.url,
        is_active: true,
        headers: { 'X-Webhook-Token': `wt-${scope}` },
      },
    });
    expect(res.status).toBe(200);
  }
  return storeHash;
};

/** Verifies exactly as BigCommerce's sample: the library keyed with base64(client secret). */
const verify = (secret: string, body: string, headers: Record<string, string>) =>
  new Webhook(Buffer.from(secret).toString('base64')).verify(body, headers);

const bodies = () => receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe('a status change', () => {
  it('delivers store/order/statusUpdated and store/order/updated that verify with standardwebhooks', async () => {
    const storeHash = await storeWithHooks('store/order/statusUpdated', 'store/order/updated');
    sb.setOrderStatus(storeHash, 250, 11); // created: no hook for store/order/created
    await sb.settled();
    expect(receiver.received).toHaveLength(0);

    sb.setOrderStatus(storeHash, 250, 5);
    await sb.settled();
    expect(receiver.received).toHaveLength(2);

    for (const { headers, body } of receiver.received) {
      expect(verify(SECRET, body, headers)).toEqual(JSON.parse(body));
      expect(() => verify('another-secret', body, headers)).toThrow('No matching signature found');
      expect(headers['content-type']).toBe('application/json');
      const scope = (JSON.parse(body) as { scope: string }).scope;
      expect(headers['x-webhook-token']).toBe(`wt-${scope}`);
    }

    const byScope = Object.fromEntries(bodies().map((b) => [b.scope, b]));
    const statusUpdated = byScope['store/order/statusUpdated'];
    const updated = byScope['store/order/updated'];
    expect(statusUpdated).toMatchObject({
      store_id: expect.stringMatching(/^\d+$/),
      producer: `stores/${storeHash}`,
      data: { type: 'order', id: 250, status: { previous_status_id: 11, new_status_id: 5 } },
    });
    expect(updated).toMatchObject({ producer: `stores/${storeHash}`, data: { type: 'order', id: 250 } });

    // BigCommerce's schemas and its callback examples (same keys, same JSON types).
    expect(schemaErrors('store-order-status-updated', statusUpdated)).toEqual([]);
    expect(schemaErrors('store-order', updated)).toEqual([]);
    expect(shapeOf(statusUpdated)).toEqual(shapeOf(callbackExample('store_order_statusUpdated')));
    expect(shapeOf(updated)).toEqual(shapeOf(callbackExample('store_order_updated')));
    for (const b of [statusUpdated, updated]) {
      expect(b?.hash).toBe(createHash('sha1').update(JSON.stringify(b?.data)).digest('hex'));
      expect(Math.abs(Number(b?.created_at) - Date.now() / 1000)).toBeLessThan(300);
    }

    const records = sb.deliveries(storeHash);
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatchObject({ attempt: 1, delayMs: 0, status: 200, url: receiver.url, storeHash });
      expect(r.requestHeaders['webhook-id']).toBe(r.webhookId);
      expect(verify(SECRET, r.body, r.requestHeaders)).toBeDefined();
    }
  });

  it('is also triggered by PUT /v2/orders/{id}, and the control route, but not by an unchanged status', async () => {
    const storeHash = await storeWithHooks('store/order/statusUpdated');
    sb.setOrderStatus(storeHash, 7, 11);
    const put = await call(`${sb.url}/stores/${storeHash}/v2/orders/7`, {
      method: 'PUT',
      token: TOKEN,
      body: { status_id: 2 },
    });
    expect(put.status).toBe(200);
    await sb.settled();
    const control = await call(`${sb.url}/_sandbox/stores/${storeHash}/orders/7`, {
      method: 'PUT',
      body: { status_id: 10 },
    });
    expect(control.status).toBe(200);
    expect(control.body).toMatchObject({ id: 7, status_id: 10, status: 'Completed' });
    sb.setOrderStatus(storeHash, 7, 10); // unchanged
    await sb.settled();
    expect(bodies().map((b) => b.data)).toEqual([
      { type: 'order', id: 7, status: { previous_status_id: 11, new_status_id: 2 } },
      { type: 'order', id: 7, status: { previous_status_id: 2, new_status_id: 10 } },
    ]);
    const log = await call(`${sb.url}/_sandbox/stores/${storeHash}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.body).toHaveLength(2);
  });

  it('reaches inactive hooks never, and wildcard hooks for every order scope', async () => {
    const storeHash = await storeWithHooks('store/order/*');
    await call(`${sb.url}/stores/${storeHash}/v3/hooks`, {
      method: 'POST',
      token: TOKEN,
      body: { scope: 'store/order/statusUpdated', destination: receiver.url, is_active: false },
    });
    sb.setOrderStatus(storeHash, 1, 1);
    sb.setOrderStatus(storeHash, 1, 11);
    await sb.settled();
    expect(
      bodies()
        .map((b) => b.scope)
        .sort(),
    ).toEqual(['store/order/created', 'store/order/statusUpdated', 'store/order/updated']);
    for (const body of bodies()) expect(schemaErrors('store-order', body)).toEqual([]);
  });
});

describe('retries', () => {
  it('follow the documented schedule times timeScale, then the hook is deactivated', async () => {
    const storeHash = await storeWithHooks('store/order/statusUpdated');
    receiver.answer = () => 500;
    sb.setOrderStatus(storeHash, 9, 11);
    sb.setOrderStatus(storeHash, 9, 5);
    await sb.settled();

    const records = sb.deliveries(storeHash);
    expect(records.map((r) => r.attempt)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(records.map((r) => r.delayMs)).toEqual([
      0,
      ...RETRY_SCHEDULE_SECONDS.map((s) => s * 1000 * TIME_SCALE),
    ]);
    expect(new Set(records.map((r) => r.webhookId)).size).toBe(1);
    expect(new Set(records.map((r) => r.body)).size).toBe(1);
    expect(records.every((r) => r.status === 500)).toBe(true);
    // Each retry waited at least its scheduled delay (timestamps are whole milliseconds).
    records.slice(1).forEach((r, i) => {
      const waited = Date.parse(r.at) - Date.parse(records[i]?.at ?? '');
      expect(waited).toBeGreaterThanOrEqual(Math.floor(r.delayMs) - 1);
    });
    expect(receiver.received).toHaveLength(12);
    for (const { headers, body } of receiver.received) expect(verify(SECRET, body, headers)).toBeDefined();

    expect(sb.hooks(storeHash)).toEqual([expect.objectContaining({ is_active: false })]);
    const listed = await call(`${sb.url}/stores/${storeHash}/v3/hooks?is_active=false`, { token: TOKEN });
    expect((listed.body as { data: unknown[] }).data).toHaveLength(1);

    // An inactive hook gets nothing more.
    sb.setOrderStatus(storeHash, 9, 2);
    await sb.settled();
    expect(receiver.received).toHaveLength(12);
  });

  it('stop once the receiver recovers; a timeout counts as a failure', async () => {
    const storeHash = await storeWithHooks('store/order/statusUpdated');
    receiver.answer = (n) => (n === 1 ? 'hang' : n === 2 ? 503 : 204);
    sb.setOrderStatus(storeHash, 3, 11);
    sb.setOrderStatus(storeHash, 3, 10);
    await sb.settled();
    const records = sb.deliveries(storeHash);
    expect(records.map((r) => [r.attempt, r.status ?? r.error])).toEqual([
      [1, 'timeout'],
      [2, 503],
      [3, 204],
    ]);
    expect(sb.hooks(storeHash)).toEqual([expect.objectContaining({ is_active: true })]);
  });

  it('are dropped for a hook deleted meanwhile', async () => {
    const storeHash = await storeWithHooks('store/order/statusUpdated');
    const [hook] = sb.hooks(storeHash) as { id: number }[];
    // The receiver deletes the hook before failing the first attempt.
    receiver.answer = async () => {
      await call(`${sb.url}/stores/${storeHash}/v3/hooks/${hook?.id}`, { method: 'DELETE', token: TOKEN });
      return 500;
    };
    sb.setOrderStatus(storeHash, 8, 11);
    sb.setOrderStatus(storeHash, 8, 5);
    await sb.settled();
    expect(sb.deliveries(storeHash).map((r) => [r.attempt, r.status])).toEqual([[1, 500]]);
    expect(sb.hooks(storeHash)).toEqual([]);
  });

  it('stop() cancels scheduled ones and releases settled()', async () => {
    await sb.stop();
    sb = await startSandbox({ port: 0, timeScale: 1, rateLimit: false });
    const storeHash = await storeWithHooks('store/order/statusUpdated', 'store/order/updated');
    receiver.answer = () => 500;
    sb.setOrderStatus(storeHash, 4, 11);
    sb.setOrderStatus(storeHash, 4, 5);
    // With timeScale 1 the next attempts are 60 s away; settled() would wait for them.
    while (
      sb.deliveries(storeHash).some((r) => r.status === undefined) ||
      sb.deliveries(storeHash).length < 2
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    let settled = false;
    const waiting = sb.settled().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    await sb.stop();
    await waiting;
    expect(sb.deliveries(storeHash)).toHaveLength(2);
  });
});

describe('control routes', () => {
  it('create stores (201, 409, 400) that the API then accepts', async () => {
    const body = { storeHash: 'ctl1', accessToken: 'tok-ctl', clientSecret: 'sec-ctl' };
    const created = await call(`${sb.url}/_sandbox/stores`, { method: 'POST', body });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('tok-ctl');
    expect(created.text).not.toContain('sec-ctl');
    expect((await call(`${sb.url}/_sandbox/stores`, { method: 'POST', body })).status).toBe(409);
    const bad = await call(`${sb.url}/_sandbox/stores`, { method: 'POST', body: { storeHash: 'x y' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ field: 'storeHash' })]),
    });
    expect(() => sb.createStore(body)).toThrow('already exists');
    expect((await call(`${sb.url}/stores/ctl1/v3/hooks`, { token: 'tok-ctl' })).status).toBe(200);
  });

  it('reject bad order changes and unknown stores', async () => {
    const storeHash = await storeWithHooks();
    const put = (hash: string, id: string, body: unknown) =>
      call(`${sb.url}/_sandbox/stores/${hash}/orders/${id}`, { method: 'PUT', body });
    expect((await put(storeHash, '5', { status_id: 42 })).status).toBe(400);
    expect((await put(storeHash, 'abc', { status_id: 1 })).status).toBe(400);
    expect((await put('nosuch', '5', { status_id: 1 })).status).toBe(404);
    expect((await call(`${sb.url}/_sandbox/stores/nosuch/deliveries`)).status).toBe(404);
    expect(() => sb.setOrderStatus('nosuch', 1, 1)).toThrow('unknown store');
    expect(() => sb.setOrderStatus(storeHash, 1, 99)).toThrow('status id');
  });
});

describe('the activation gap (hookActivationMs)', () => {
  it('a new hook fires only once the gap has passed; a re-activated one waits again', async () => {
    await sb.stop();
    let now = Date.parse('2026-05-02T12:00:00Z');
    sb = await startSandbox({
      port: 0,
      timeScale: TIME_SCALE,
      rateLimit: false,
      deliveryTimeoutMs: 300,
      hookActivationMs: 60_000,
      now: () => now,
    });
    const storeHash = await storeWithHooks('store/order/statusUpdated');
    sb.setOrderStatus(storeHash, 1, 11);
    sb.setOrderStatus(storeHash, 1, 5); // 0 s after creation: BigCommerce is not firing it yet
    await sb.settled();
    expect(sb.deliveries(storeHash)).toEqual([]);

    now += 60_000;
    sb.setOrderStatus(storeHash, 1, 11);
    await sb.settled();
    expect(sb.deliveries(storeHash)).toHaveLength(1);

    const [hook] = sb.hooks(storeHash) as { id: number }[];
    for (const isActive of [false, true]) {
      const res = await call(`${sb.url}/stores/${storeHash}/v3/hooks/${hook!.id}`, {
        method: 'PUT',
        token: TOKEN,
        body: { is_active: isActive },
      });
      expect(res.status).toBe(200);
    }
    sb.setOrderStatus(storeHash, 1, 5);
    await sb.settled();
    expect(sb.deliveries(storeHash)).toHaveLength(1);
  });
});
