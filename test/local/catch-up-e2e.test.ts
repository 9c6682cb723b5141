import type { LocalStack } from '../../local/stack';
import {
  apiRequest,
  collectErrors,
  createSubscribedChannel,
  startTestStack,
  stopTestStack,
} from '../support/local-stack';
import { waitFor } from '../support/wait';

/**
 * BigCommerce can take a minute to start firing a new hook. Through the local stack, with a sandbox
 * whose new hooks fire only after a minute and a catch-up delay of 6 s (time enough to set the order up
 * on a loaded machine): an order cancelled in that gap is never delivered, and the catch-up reconcile
 * still cancels it in OM.
 */

let stack: LocalStack;
const { errors, log } = collectErrors();

beforeAll(async () => {
  stack = await startTestStack({
    sandboxHookActivationMs: 60_000,
    env: { HOOK_CATCH_UP_DELAY_SECONDS: '6' },
    log,
  });
});
afterAll(() => stopTestStack(stack));

interface OrderView {
  status?: string | null;
  history: Array<{ source: string; outcome: string }>;
}

test('an order cancelled before a new hook fires is reconciled by the catch-up run', async () => {
  const sandbox = stack.sandbox!;
  const { storeHash, channelId } = await createSubscribedChannel(stack, {
    hashPrefix: 'cat',
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: [],
  });
  sandbox.setOrderStatus(storeHash, 7, 11);
  const imported = await apiRequest(stack, 'PUT', `/channels/${channelId}/orders/7`, {
    status: 'Awaiting Shipment',
  });
  expect(imported.status).toBe(200);
  sandbox.setOrderStatus(storeHash, 7, 5);
  // The hook did not fire: without the catch-up, OM would never hear of it.
  await sandbox.settled();
  expect(sandbox.deliveries(storeHash)).toEqual([]);

  const cancelled = await waitFor(
    async () => {
      const res = await apiRequest(stack, 'GET', `/channels/${channelId}/orders/7`);
      const order = (await res.json()) as OrderView;
      return order.status === 'Cancelled' && order;
    },
    { what: 'order 7 cancelled by the catch-up reconcile', timeoutMs: 30_000 },
  );
  expect(cancelled.history).toEqual([expect.objectContaining({ source: 'reconcile', outcome: 'cancelled' })]);
  expect(sandbox.deliveries(storeHash)).toEqual([]);
  const channel = (await (await apiRequest(stack, 'GET', `/channels/${channelId}`)).json()) as {
    webhook: { lastError: string | null };
  };
  expect(channel.webhook.lastError).toBeNull();
  expect(errors).toEqual([]);
});
