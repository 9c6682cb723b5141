import { randomBytes } from 'node:crypto';
import type { Sandbox } from '../../local/sandbox/server';
import { BC_CREATED_STATUS, CHANNEL_SETTINGS } from './order-plan';
import type { LedgerOrder } from './ledger';

/**
 * Other stores on the same stack while the scenario's own store is throttled: each has a few orders
 * processed in OM, cancelled in BigCommerce while the throttled store's quota is spent. Their
 * time-to-effect (cancellation in BigCommerce → OM order Cancelled) shows whether they waited behind it.
 */
export type AdminCall = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; json: unknown }>;

export interface OtherStore {
  storeHash: string;
  channelId: string;
  orderIds: number[];
}

export interface StoreTiming {
  channelId: string;
  orders: number;
  /** Milliseconds from the BigCommerce change to the OM order read back as Cancelled. */
  p50Ms: number;
  maxMs: number;
}

/** OM status of every other store's orders: selected for cancellation, so each cancel must act. */
const OM_STATUS = CHANNEL_SETTINGS.validCancellationStatuses[0];
const BC_CANCELLED = 5;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function setUpOtherStores(
  sandbox: Sandbox,
  api: AdminCall,
  options: { count: number; orders: number; channelPrefix: string; onSecrets?: (s: string[]) => void },
): Promise<OtherStore[]> {
  const stores: OtherStore[] = [];
  for (let k = 1; k <= options.count; k++) {
    const storeHash = `so${randomBytes(4).toString('hex')}`;
    const accessToken = randomBytes(16).toString('hex');
    const clientSecret = randomBytes(16).toString('hex');
    options.onSecrets?.([accessToken, clientSecret]);
    sandbox.createStore({ storeHash, accessToken, clientSecret });
    const channelId = `${options.channelPrefix}-other${k}`;
    const saved = await api('PUT', `/channels/${channelId}`, {
      storeHash,
      accessToken,
      clientSecret,
      ...CHANNEL_SETTINGS,
    });
    if (saved.status !== 200) throw new Error(`PUT ${channelId} answered ${saved.status}`);
    const deadline = Date.now() + 30_000;
    while (!(sandbox.hooks(storeHash) as Array<{ is_active: boolean }>).some((h) => h.is_active)) {
      if (Date.now() > deadline) throw new Error(`hook-manager did not create the hook of ${channelId}`);
      await sleep(50);
    }
    const orderIds = Array.from({ length: options.orders }, (_, i) => i + 1);
    for (const orderId of orderIds) {
      sandbox.setOrderStatus(storeHash, orderId, BC_CREATED_STATUS);
      const res = await api('PUT', `/channels/${channelId}/orders/${orderId}`, { status: OM_STATUS });
      if (res.status !== 200) throw new Error(`import of ${channelId}/${orderId} answered ${res.status}`);
    }
    stores.push({ storeHash, channelId, orderIds });
  }
  return stores;
}

/** Cancels every order of every other store in BigCommerce and times each until OM shows it Cancelled. */
export async function cancelAndTime(
  sandbox: Sandbox,
  api: AdminCall,
  stores: OtherStore[],
  timeoutMs: number,
  /** Which half of each store's orders: the first while the throttled store is out of quota, the second after. */
  half: 0 | 1,
): Promise<{ timings: StoreTiming[]; problems: string[] }> {
  const problems: string[] = [];
  const timings = await Promise.all(
    stores.map(async (store) => {
      const mid = Math.ceil(store.orderIds.length / 2);
      const orderIds = half === 0 ? store.orderIds.slice(0, mid) : store.orderIds.slice(mid);
      const times = await Promise.all(
        orderIds.map(async (orderId) => {
          const start = Date.now();
          sandbox.setOrderStatus(store.storeHash, orderId, BC_CANCELLED);
          while (Date.now() - start < timeoutMs) {
            const res = await api('GET', `/channels/${store.channelId}/orders/${orderId}`);
            if ((res.json as LedgerOrder | undefined)?.status === 'Cancelled') return Date.now() - start;
            await sleep(25);
          }
          problems.push(`${store.channelId}/${orderId}: not Cancelled within ${timeoutMs} ms`);
          return timeoutMs;
        }),
      );
      const sorted = [...times].sort((a, b) => a - b);
      return {
        channelId: store.channelId,
        orders: times.length,
        p50Ms: sorted[Math.floor((sorted.length - 1) / 2)]!,
        maxMs: sorted[sorted.length - 1]!,
      };
    }),
  );
  return { timings, problems };
}

/** After quiet: each order was cancelled exactly once (one `cancelled` entry) and nothing else acted. */
export async function checkOtherStores(api: AdminCall, stores: OtherStore[]): Promise<string[]> {
  const problems: string[] = [];
  for (const store of stores)
    for (const orderId of store.orderIds) {
      const order = (await api('GET', `/channels/${store.channelId}/orders/${orderId}`)).json as
        LedgerOrder | undefined;
      const effects = order?.history.filter((h) => h.outcome === 'cancelled' || h.outcome === 'fulfilled');
      if (order?.status !== 'Cancelled' || effects?.length !== 1)
        problems.push(
          `${store.channelId}/${orderId}: status ${String(order?.status)}, ${effects?.length ?? 0} effect(s)`,
        );
    }
  return problems;
}
