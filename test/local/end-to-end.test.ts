import type { LocalStack } from '../../local/stack';
import {
  apiRequest,
  collectErrors,
  createChannel,
  createSubscribedChannel,
  startTestStack,
  stopTestStack,
} from '../support/local-stack';
import { waitFor } from '../support/wait';

/**
 * The whole system through the local stack, with the real functions wired by wire(env): channel saved →
 * hook subscribed in the sandbox → order imported → cancelled in the sandbox → OM order Cancelled.
 * Short deferral delays and a scaled-down sandbox keep it fast.
 */

interface OrderView {
  /** null while OM has not imported the order. */
  status?: string | null;
  history: Array<{
    outcome: string;
    bigcommerceStatusId: number | null;
    statusBefore: string | null;
    statusAfter: string | null;
  }>;
}

let stack: LocalStack;
const { errors, log } = collectErrors();

beforeAll(async () => {
  stack = await startTestStack({
    env: { DEFER_DELAYS_SECONDS: '1' },
    log,
  });
});
afterAll(() => stopTestStack(stack));

const api = (method: string, path: string, body?: unknown) => apiRequest(stack, method, path, body);

const order = async (channelId: string, orderId: number): Promise<OrderView | undefined> => {
  const res = await api('GET', `/channels/${channelId}/orders/${orderId}`);
  return res.status === 200 ? ((await res.json()) as OrderView) : undefined;
};

test('a BigCommerce cancellation cancels the OM order whose status is selected, and only that one', async () => {
  const sandbox = stack.sandbox!;
  const { storeHash, accessToken, channelId, saved } = await createChannel(stack, {
    hashPrefix: 'e2e',
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: [],
  });
  expect(saved.status).toBe(200);
  expect(JSON.stringify(await saved.json())).not.toContain(accessToken);

  // ChannelSettingsChanged → event-bus shim → hook-manager → POST /v3/hooks in the sandbox.
  const hook = await waitFor(
    () =>
      (sandbox.hooks(storeHash) as Array<{ destination: string; is_active: boolean }>).find(
        (h) => h.destination === `${stack.url}/webhooks/bigcommerce/${channelId}` && h.is_active,
      ),
    { what: 'the hook in the sandbox' },
  );
  expect(hook).toBeDefined();

  expect((await api('PUT', `/channels/${channelId}/orders/1`, { status: 'Awaiting Shipment' })).status).toBe(
    200,
  );
  expect((await api('PUT', `/channels/${channelId}/orders/2`, { status: 'On Hold' })).status).toBe(200);
  for (const id of [1, 2]) {
    sandbox.setOrderStatus(storeHash, id, 11);
    sandbox.setOrderStatus(storeHash, id, 5);
  }

  const cancelled = await waitFor(
    async () => {
      const o = await order(channelId, 1);
      return o?.status === 'Cancelled' && o;
    },
    { what: 'order 1 Cancelled' },
  );
  expect(cancelled.history.filter((h) => h.outcome === 'cancelled')).toEqual([
    expect.objectContaining({
      bigcommerceStatusId: 5,
      statusBefore: 'Awaiting Shipment',
      statusAfter: 'Cancelled',
    }),
  ]);

  const held = await waitFor(
    async () => {
      const o = await order(channelId, 2);
      return o?.history.some((h) => h.outcome === 'status_not_configured') && o;
    },
    { what: 'order 2 left alone' },
  );
  expect(held.status).toBe('On Hold');
  expect(held.history.some((h) => h.outcome === 'cancelled')).toBe(false);
});

test('an order cancelled before OM imported it is retried after the delay, then cancelled', async () => {
  const sandbox = stack.sandbox!;
  const { storeHash, channelId } = await createSubscribedChannel(stack, {
    hashPrefix: 'def',
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: [],
  });

  sandbox.setOrderStatus(storeHash, 7, 11);
  sandbox.setOrderStatus(storeHash, 7, 5);
  const deferred = await waitFor(
    async () => {
      const o = await order(channelId, 7);
      return o?.history.some((h) => h.outcome === 'deferred') && o;
    },
    { what: 'a deferred entry' },
  );
  expect(deferred.status ?? null).toBeNull();

  expect((await api('PUT', `/channels/${channelId}/orders/7`, { status: 'Awaiting Shipment' })).status).toBe(
    200,
  );
  const done = await waitFor(
    async () => {
      const o = await order(channelId, 7);
      return o?.status === 'Cancelled' && o;
    },
    { what: 'order 7 Cancelled after the retry' },
  );
  expect(done.history.map((h) => h.outcome)).toContain('cancelled');
});

test('deleting the channel removes its hook from the sandbox', async () => {
  const sandbox = stack.sandbox!;
  const { storeHash, channelId } = await createSubscribedChannel(stack, {
    hashPrefix: 'del',
    validCancellationStatuses: [],
    validFulfillmentStatuses: ['On Hold'],
  });

  expect((await api('DELETE', `/channels/${channelId}`)).status).toBe(204);
  await waitFor(() => sandbox.hooks(storeHash).length === 0, { what: 'the hook removed' });
  expect((await api('GET', `/channels/${channelId}`)).status).toBe(404);
});

test('/health is ok and nothing failed along the way', async () => {
  const res = await fetch(`${stack.url}/health`);
  expect(await res.json()).toEqual({ status: 'ok' });
  expect(errors).toEqual([]);
});
