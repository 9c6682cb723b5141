import { randomBytes } from 'node:crypto';
import type { LocalStack } from '../../local/stack';
import {
  apiRequest,
  collectErrors,
  createChannel,
  startTestStack,
  stopTestStack,
} from '../support/local-stack';
import { waitFor } from '../support/wait';

/**
 * Hooks through the local stack (`npm start`'s wiring: channel-api, the event-bus shim, the schedule, the
 * hook-work poller, hook-manager, the sandbox): other deployments' hooks are left alone, bad credentials
 * are refused at the door, a deleted channel's late callbacks are acknowledged, and the sharded sweep
 * repairs what BigCommerce changed.
 */

let stack: LocalStack;
const { errors, log } = collectErrors();

beforeAll(async () => {
  stack = await startTestStack({
    // A sweep every 2 s: channels verified over a second ago are due again.
    env: { HOOK_VERIFY_INTERVAL_SECONDS: '2' },
    schedulerInitialDelayMs: 500,
    log,
  });
});
afterAll(() => stopTestStack(stack));
// Each test leaves no error in the stack's log.
afterEach(() => expect(errors).toEqual([]));

type SandboxHook = { id: number; scope: string; destination: string; is_active: boolean };
const hooksOf = (storeHash: string) => stack.sandbox!.hooks(storeHash) as SandboxHook[];
const ours = (storeHash: string) => hooksOf(storeHash).filter((h) => h.destination.startsWith(stack.url));

test("the sweep repairs our hooks and never touches another deployment's: not on save, sweep or delete", async () => {
  const storeHash = `own${randomBytes(3).toString('hex')}`;
  const accessToken = randomBytes(12).toString('hex');
  stack.sandbox!.createStore({ storeHash, accessToken, clientSecret: randomBytes(12).toString('hex') });
  const channelId = `ch-${storeHash}`;
  // Staging, with the same app and channel id, subscribed first; and an inactive one of another system.
  for (const [destination, isActive] of [
    [`https://staging.example.com/webhooks/bigcommerce/${channelId}`, true],
    ['https://other.example.com/hooks', false],
  ] as const)
    expect(
      stack.sandbox!.api(storeHash, 'POST', '/v3/hooks', {
        scope: 'store/order/statusUpdated',
        destination,
        is_active: isActive,
        headers: { 'X-Webhook-Token': 'theirs' },
      }).status,
    ).toBe(200);
  const foreign = JSON.stringify(hooksOf(storeHash));

  const saved = await apiRequest(stack, 'PUT', `/channels/${channelId}`, {
    storeHash,
    accessToken,
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: [],
  });
  expect(saved.status).toBe(200);
  await waitFor(() => ours(storeHash).length === 2, { what: 'our status and delivery-exception hooks' });
  // BigCommerce deactivates our status hook: only a scheduled sweep, fanned out through the hook-work
  // queue, brings it back (the first sweeps can be slow on a loaded machine: hence the long wait).
  const status = ours(storeHash).find((h) => h.scope === 'store/order/statusUpdated')!;
  expect(stack.sandbox!.api(storeHash, 'PUT', `/v3/hooks/${status.id}`, { is_active: false }).status).toBe(
    200,
  );
  await waitFor(() => ours(storeHash).find((h) => h.id === status.id)?.is_active, {
    what: 'our hook re-activated by a sweep',
    timeoutMs: 60_000,
  });
  expect(JSON.stringify(hooksOf(storeHash).filter((h) => !h.destination.startsWith(stack.url)))).toBe(
    foreign,
  );

  expect((await apiRequest(stack, 'DELETE', `/channels/${channelId}`)).status).toBe(204);
  await waitFor(() => ours(storeHash).length === 0, { what: 'our hooks removed' });
  expect(JSON.stringify(hooksOf(storeHash))).toBe(foreign);
});

test('credentials BigCommerce refuses are a 422 naming accessToken: nothing saved, nothing subscribed', async () => {
  const storeHash = `cred${randomBytes(3).toString('hex')}`;
  const accessToken = randomBytes(12).toString('hex');
  // A token without the Orders scope (the worker could never read an order).
  stack.sandbox!.createStore({
    storeHash,
    accessToken,
    clientSecret: randomBytes(12).toString('hex'),
    scopes: ['store_v2_products'],
  });
  const channelId = `ch-${storeHash}`;
  const body = { storeHash, validCancellationStatuses: ['Awaiting Shipment'], validFulfillmentStatuses: [] };
  for (const token of [accessToken, 'not-the-token']) {
    const res = await apiRequest(stack, 'PUT', `/channels/${channelId}`, { ...body, accessToken: token });
    expect(res.status).toBe(422);
    const answer = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(answer.errors).toEqual([expect.objectContaining({ field: 'accessToken' })]);
    expect(JSON.stringify(answer)).not.toContain(token);
  }
  expect((await apiRequest(stack, 'GET', `/channels/${channelId}`)).status).toBe(404);
  expect(hooksOf(storeHash)).toEqual([]);
});

test("a deleted channel's late callbacks are acknowledged (200); an id never known stays 404", async () => {
  const { storeHash, channelId } = await createChannel(stack, {
    hashPrefix: 'gone',
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: [],
  });
  await waitFor(() => ours(storeHash).length > 0, { what: 'the hooks' });
  expect((await apiRequest(stack, 'DELETE', `/channels/${channelId}`)).status).toBe(204);
  await waitFor(() => ours(storeHash).length === 0, { what: 'the hooks removed' });
  const callback = { scope: 'store/order/statusUpdated', store_id: '1', data: { type: 'order', id: 7 } };
  const post = (id: string) =>
    fetch(`${stack.url}/webhooks/bigcommerce/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Webhook-Token': 'late' },
      body: JSON.stringify({ ...callback, hash: 'h', created_at: 1, producer: `stores/${storeHash}` }),
    });
  expect((await post(channelId)).status).toBe(200);
  expect((await post(`ch-never-${randomBytes(3).toString('hex')}`)).status).toBe(404);
});
