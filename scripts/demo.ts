/**
 * `npm run demo`: walks through the seed behaviour against a running `npm start`, step by step:
 * a BigCommerce order cancelled in the sandbox cancels the OM order whose status the merchant selected,
 * and leaves alone an OM order whose status is not selected (with the reason in its history); a shipment
 * with a tracking number fulfils an OM order, which then shows the tracking.
 *
 * Base URLs: --api URL / --sandbox URL, else http://127.0.0.1:$PORT and http://127.0.0.1:$SANDBOX_PORT.
 * Exits 1 when an expected outcome does not happen within --timeout seconds (default 60).
 */
import { randomBytes } from 'node:crypto';

interface Options {
  api: string;
  sandbox: string;
  channelId: string;
  timeoutMs: number;
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const m = /^--(api|sandbox|channel|timeout)(?:=(.*))?$/.exec(arg);
    if (!m)
      throw new Error(
        `unknown option ${arg} (options: --api URL --sandbox URL --channel ID --timeout SECONDS)`,
      );
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    flags.set(m[1]!, value);
  }
  const timeout = Number(flags.get('timeout') ?? '60');
  if (!(timeout > 0)) throw new Error('--timeout must be a positive number of seconds');
  return {
    api: (flags.get('api') ?? `http://127.0.0.1:${env.PORT || 3000}`).replace(/\/+$/, ''),
    sandbox: (flags.get('sandbox') ?? `http://127.0.0.1:${env.SANDBOX_PORT || 3100}`).replace(/\/+$/, ''),
    channelId: flags.get('channel') ?? 'demo',
    timeoutMs: timeout * 1000,
  };
}

class DemoFailure extends Error {}

const step = (n: number, text: string) => console.log(`\n${n}. ${text}`);
const detail = (text: string) => console.log(`   ${text}`);

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new DemoFailure(
      `${method} ${url} failed: ${(error as Error).cause ?? (error as Error).message} — is \`npm start\` running?`,
    );
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

async function expectStatus(
  method: string,
  url: string,
  body: unknown,
  ok: number[],
  headers?: Record<string, string>,
) {
  const res = await call(method, url, body, headers);
  if (!ok.includes(res.status))
    throw new DemoFailure(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json;
}

async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new DemoFailure(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

interface OmOrderView {
  status?: string;
  shipments: Array<{
    shipmentId: number;
    trackingNumber?: string;
    trackingCarrier?: string;
    trackingLink?: string;
  }>;
  history: Array<{
    at: string;
    outcome: string;
    bigcommerceStatusId: number | null;
    statusBefore: string | null;
    statusAfter: string | null;
  }>;
}

function printHistory(order: OmOrderView) {
  for (const h of order.history)
    detail(
      `${h.at}  BigCommerce status ${h.bigcommerceStatusId ?? '-'}  ${h.outcome}  (${h.statusBefore ?? '-'} → ${h.statusAfter ?? '-'})`,
    );
}

/** Creates the order in the sandbox and ships all of it in one shipment with a tracking number. */
async function shipWithTracking(
  sandbox: string,
  storeHash: string,
  accessToken: string,
  orderId: number,
  trackingNumber: string,
) {
  await expectStatus(
    'PUT',
    `${sandbox}/_sandbox/stores/${storeHash}/orders/${orderId}`,
    { status_id: 11 },
    [200],
  );
  const products = (await expectStatus(
    'GET',
    `${sandbox}/stores/${storeHash}/v2/orders/${orderId}/products`,
    undefined,
    [200],
    { 'x-auth-token': accessToken },
  )) as Array<{ id: number; quantity: number }>;
  await expectStatus(
    'POST',
    `${sandbox}/_sandbox/stores/${storeHash}/orders/${orderId}/shipments`,
    {
      order_address_id: 1,
      tracking_number: trackingNumber,
      tracking_carrier: 'ups',
      items: products.map((p) => ({ order_product_id: p.id, quantity: p.quantity })),
    },
    [201],
  );
}

async function main(options: Options): Promise<void> {
  const { api, sandbox, channelId, timeoutMs } = options;
  const health = await call('GET', `${api}/health`);
  if (health.status !== 200)
    throw new DemoFailure(
      `${api}/health answered ${health.status}: start the stack with \`npm start\` first`,
    );
  console.log(`Local stack at ${api}, BigCommerce sandbox at ${sandbox}`);

  const storeHash = `demo${randomBytes(3).toString('hex')}`;
  const accessToken = randomBytes(16).toString('hex');
  const clientSecret = randomBytes(16).toString('hex');
  // Fresh ids each run: the stack keeps data under .local/ between runs.
  const cancelledOrder = 2 * (Math.floor(Date.now() / 1000) % 1_000_000) + 1000;
  const heldOrder = cancelledOrder + 1;
  const shippedOrder = cancelledOrder + 2_000_001;
  const omOrders = `${api}/channels/${channelId}/orders`;
  const importOmOrder = (orderId: number, status: string) =>
    expectStatus('PUT', `${omOrders}/${orderId}`, { status }, [200]);
  /** Polls OM order `orderId` until `done` holds for it. */
  const watchOmOrder = (orderId: number, what: string, done: (order: OmOrderView) => boolean) =>
    waitUntil(what, timeoutMs, async () => {
      const order = (await expectStatus('GET', `${omOrders}/${orderId}`, undefined, [200])) as OmOrderView;
      return done(order) ? order : undefined;
    });

  step(1, `Create a BigCommerce store in the sandbox: POST ${sandbox}/_sandbox/stores`);
  await expectStatus('POST', `${sandbox}/_sandbox/stores`, { storeHash, accessToken, clientSecret }, [201]);
  detail(`store ${storeHash}`);

  step(2, `Save the channel settings: PUT ${api}/channels/${channelId}`);
  const settings = {
    storeHash,
    accessToken,
    clientSecret,
    validCancellationStatuses: ['Awaiting Shipment'],
    validFulfillmentStatuses: ['Awaiting Shipment', 'On Hold'],
  };
  await expectStatus('PUT', `${api}/channels/${channelId}`, settings, [200]);
  detail(
    'Valid Cancellation Statuses: Awaiting Shipment; Valid Fulfillment Statuses: Awaiting Shipment, On Hold',
  );

  step(3, 'Wait until hook-manager has subscribed the webhook in the sandbox');
  const destination = `/webhooks/bigcommerce/${channelId}`;
  const hook = await waitUntil('the webhook subscription', timeoutMs, async () => {
    const hooks = (await expectStatus('GET', `${sandbox}/stores/${storeHash}/v3/hooks`, undefined, [200], {
      'x-auth-token': accessToken,
    })) as { data?: Array<{ id: number; scope: string; destination: string; is_active: boolean }> };
    return hooks.data?.find((h) => h.destination.endsWith(destination) && h.is_active);
  });
  detail(`hook ${hook.id}: ${hook.scope} → ${hook.destination}`);

  step(4, `Import two OM orders: #${cancelledOrder} "Awaiting Shipment" and #${heldOrder} "On Hold"`);
  await importOmOrder(cancelledOrder, 'Awaiting Shipment');
  await importOmOrder(heldOrder, 'On Hold');
  detail(`PUT ${omOrders}/{id} {"status":…}`);

  step(5, 'Create both orders in BigCommerce (Awaiting Fulfillment), then cancel them there');
  for (const id of [cancelledOrder, heldOrder])
    for (const statusId of [11, 5])
      await expectStatus(
        'PUT',
        `${sandbox}/_sandbox/stores/${storeHash}/orders/${id}`,
        { status_id: statusId },
        [200],
      );
  detail(
    `PUT ${sandbox}/_sandbox/stores/${storeHash}/orders/{id} {"status_id":5}; the sandbox delivers store/order/statusUpdated`,
  );

  step(6, `Watch OM order #${cancelledOrder} (status selected for cancellation)`);
  const cancelled = await watchOmOrder(
    cancelledOrder,
    `OM order ${cancelledOrder} to be Cancelled`,
    (order) => order.status === 'Cancelled',
  );
  detail(`status: ${cancelled.status}`);
  printHistory(cancelled);

  step(7, `Watch OM order #${heldOrder} (On Hold is not selected for cancellation)`);
  const held = await watchOmOrder(heldOrder, `a history entry for OM order ${heldOrder}`, (order) =>
    order.history.some((h) => h.bigcommerceStatusId === 5),
  );
  detail(`status: ${held.status}`);
  printHistory(held);
  const outcomes = held.history.filter((h) => h.bigcommerceStatusId === 5).map((h) => h.outcome);
  if (held.status !== 'On Hold' || !outcomes.includes('status_not_configured'))
    throw new DemoFailure(
      `expected order ${heldOrder} to stay On Hold with outcome status_not_configured, got ${held.status} / ${outcomes.join(', ')}`,
    );

  step(8, `Import OM order #${shippedOrder} "On Hold", then ship it in BigCommerce with a tracking number`);
  await importOmOrder(shippedOrder, 'On Hold');
  const trackingNumber = `1Z${randomBytes(6).toString('hex').toUpperCase()}`;
  await shipWithTracking(sandbox, storeHash, accessToken, shippedOrder, trackingNumber);
  detail(
    `POST ${sandbox}/_sandbox/stores/${storeHash}/orders/${shippedOrder}/shipments {"tracking_number":"${trackingNumber}",…}; every item shipped, so BigCommerce marks it Shipped (2)`,
  );

  step(9, `Watch OM order #${shippedOrder}: fulfilled, with the shipment and its tracking`);
  const shipped = await watchOmOrder(
    shippedOrder,
    `OM order ${shippedOrder} to be Shipped with tracking`,
    (order) => order.status === 'Shipped' && order.shipments.some((x) => x.trackingNumber === trackingNumber),
  );
  detail(`status: ${shipped.status}`);
  printHistory(shipped);
  for (const x of shipped.shipments)
    detail(
      `shipment ${x.shipmentId}: ${x.trackingCarrier ?? '-'} ${x.trackingNumber ?? '-'}  ${x.trackingLink ?? ''}`,
    );

  console.log(
    `\nDone: #${cancelledOrder} was cancelled; #${heldOrder} stayed On Hold (status_not_configured); #${shippedOrder} shipped with tracking ${trackingNumber}.`,
  );
  console.log(`Clean up with: curl -X DELETE ${api}/channels/${channelId}`);
}

let options: Options;
try {
  options = parseArgs(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  process.exit(1);
}
main(options).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `\ndemo failed: ${error instanceof DemoFailure ? error.message : ((error as Error).stack ?? String(error))}`,
    );
    process.exit(1);
  },
);
