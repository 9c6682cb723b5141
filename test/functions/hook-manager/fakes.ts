import { importOrder } from '../../../functions/domain/om-import';
import type {
  BigCommerceApi,
  BigCommerceCredentials,
  BigCommerceHook,
  BigCommerceOrder,
  NewHook,
} from '../../../functions/adapters/bigcommerce-client';
import type {
  ChannelEventPublisher,
  ChannelSettingsChangedDetail,
} from '../../../functions/adapters/channel-events';
import type { ChannelStore } from '../../../functions/adapters/channel-store';
import type { OrderEventQueue } from '../../../functions/adapters/order-event-queue';
import type { OrderStore } from '../../../functions/adapters/order-store';
import type { SecretStore } from '../../../functions/adapters/secret-store';
import type {
  Channel,
  ChannelSecrets,
  DeliveryException,
  HookState,
  ReconcileState,
} from '../../../functions/domain/channel';
import type { OmOrder } from '../../../functions/domain/order';
import type { OrderEvent } from '../../../functions/domain/order-event';
import type { OmStatus } from '../../../functions/domain/statuses';
import { createObservability, type Observability } from '../../../functions/common/observability';

/** In-memory ports with the same contract as the DynamoDB/SQS/HTTP adapters. */
const clone = <T>(v: T): T => structuredClone(v);

export class MemoryChannelStore implements ChannelStore {
  readonly items = new Map<string, Channel>();
  calls: string[] = [];
  failList = false;

  async get(channelId: string) {
    this.calls.push(`get:${channelId}`);
    const c = this.items.get(channelId);
    return c && clone(c);
  }
  async put(channel: Channel) {
    this.calls.push(`put:${channel.channelId}`);
    const stored = this.items.get(channel.channelId);
    const next: Channel = clone(channel);
    if (next.hook === undefined && stored?.hook) next.hook = stored.hook;
    if (next.reconcile === undefined && stored?.reconcile) next.reconcile = stored.reconcile;
    if (stored?.lastDeliveryException) next.lastDeliveryException = stored.lastDeliveryException;
    this.items.set(channel.channelId, next);
  }
  async purge(channelId: string, at: { purgedAt: string; expiresAt: number }) {
    this.calls.push(`purge:${channelId}`);
    const c = this.items.get(channelId);
    if (!c?.deletedAt) return false;
    delete c.hook;
    delete c.reconcile;
    delete c.lastDeliveryException;
    Object.assign(c, at);
    return true;
  }
  async recordDeliveryException(channelId: string, exception: DeliveryException) {
    this.calls.push(`recordDeliveryException:${channelId}`);
    const c = this.items.get(channelId);
    if (c) c.lastDeliveryException = clone(exception);
  }
  async recordHookState(channelId: string, hook: HookState) {
    this.calls.push(`recordHookState:${channelId}`);
    const c = this.items.get(channelId);
    if (c) c.hook = clone(hook);
  }
  async recordReconcile(channelId: string, state: ReconcileState) {
    this.calls.push(`recordReconcile:${channelId}`);
    const c = this.items.get(channelId);
    if (c) c.reconcile = clone(state);
  }
  async list(options: { cursor?: string; limit: number }) {
    if (this.failList) throw new Error('list failed');
    const all = [...this.items.values()].sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
    const start = options.cursor ? Number(options.cursor) : 0;
    const channels = all.slice(start, start + options.limit).map(clone);
    const end = start + options.limit;
    return end < all.length ? { channels, cursor: String(end) } : { channels };
  }
}

export class MemorySecretStore implements SecretStore {
  readonly items = new Map<string, ChannelSecrets>();
  puts = 0;
  async get(channelId: string) {
    const s = this.items.get(channelId);
    return s && clone(s);
  }
  async getWebhookAuth(channelId: string) {
    const s = this.items.get(channelId);
    return (
      s && {
        webhookToken: s.webhookToken,
        ...(s.clientSecret !== undefined && { clientSecret: s.clientSecret }),
      }
    );
  }
  async put(channelId: string, secrets: ChannelSecrets) {
    this.puts++;
    this.items.set(channelId, clone(secrets));
  }
  async delete(channelId: string) {
    this.items.delete(channelId);
  }
}

export class MemoryOrderStore implements OrderStore {
  readonly items = new Map<string, OmOrder>();
  async get(channelId: string, orderId: number) {
    const o = this.items.get(`${channelId}/${orderId}`);
    return o && clone(o);
  }
  async write(order: OmOrder, expectedVersion: number) {
    const key = `${order.channelId}/${order.orderId}`;
    if ((this.items.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.items.set(key, clone({ ...order, version: expectedVersion + 1 }));
    return true;
  }
  async importStatus(channelId: string, orderId: number, status: OmStatus, now: Date) {
    const key = `${channelId}/${orderId}`;
    const next = importOrder({ channelId, orderId }, this.items.get(key), status, now);
    this.items.set(key, next);
    return clone(next);
  }
}

export class MemoryQueue implements OrderEventQueue {
  readonly sent: OrderEvent[] = [];
  failAfter = Infinity;
  async send(event: OrderEvent) {
    if (this.sent.length >= this.failAfter) throw new Error('SQS unavailable');
    this.sent.push(clone(event));
  }
}

export class MemoryPublisher implements ChannelEventPublisher {
  readonly published: ChannelSettingsChangedDetail[] = [];
  fail = false;
  async publishSettingsChanged(detail: ChannelSettingsChangedDetail) {
    if (this.fail) throw new Error('EventBridge unavailable');
    this.published.push(detail);
  }
}

class FakeBcError extends Error {
  override name = 'BigCommerceError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** BigCommerce in memory: hooks and orders per store, and a log of every call. */
export class FakeBigCommerce implements BigCommerceApi {
  readonly hooks = new Map<string, BigCommerceHook[]>();
  readonly orders = new Map<string, BigCommerceOrder[]>();
  readonly tokens = new Map<string, string>();
  readonly calls: string[] = [];
  /** storeHash → status every call answers with (e.g. 500, 401). */
  readonly failing = new Map<string, number>();
  /** Called at the start of every call (tests use it to observe concurrency). */
  onCall?: (storeHash: string) => Promise<void> | void;
  private nextId = 1;

  private async enter(creds: BigCommerceCredentials, what: string) {
    this.calls.push(`${creds.storeHash} ${what}`);
    await this.onCall?.(creds.storeHash);
    const status = this.failing.get(creds.storeHash);
    if (status !== undefined) throw new FakeBcError(`${what} answered ${status}`, status);
    const token = this.tokens.get(creds.storeHash);
    if (token !== undefined && token !== creds.accessToken)
      throw new FakeBcError(`${what} answered 401`, 401);
  }
  private store(hash: string) {
    if (!this.hooks.has(hash)) this.hooks.set(hash, []);
    return this.hooks.get(hash)!;
  }
  addHook(storeHash: string, hook: Omit<BigCommerceHook, 'id'>): BigCommerceHook {
    const h = { id: this.nextId++, ...hook };
    this.store(storeHash).push(h);
    return h;
  }
  callsFor(storeHash: string) {
    return this.calls.filter((c) => c.startsWith(`${storeHash} `));
  }

  /** storeHash → the probe's answer when not 'ok' (failing/tokens apply first). */
  readonly access = new Map<string, 'forbidden' | 'unknown_store'>();
  async probeOrdersAccess(creds: BigCommerceCredentials) {
    try {
      await this.enter(creds, 'GET /v2/orders limit=1');
    } catch (error) {
      const status = (error as FakeBcError).status;
      if (status === 401) return 'unauthorized' as const;
      if (status === 403) return 'forbidden' as const;
      throw error;
    }
    return this.access.get(creds.storeHash) ?? ('ok' as const);
  }

  async getOrder(creds: BigCommerceCredentials, orderId: number) {
    await this.enter(creds, `GET /v2/orders/${orderId}`);
    return this.orders.get(creds.storeHash)?.find((o) => o.id === orderId);
  }
  async listShipments(creds: BigCommerceCredentials, orderId: number) {
    await this.enter(creds, `GET /v2/orders/${orderId}/shipments`);
    return [];
  }
  async listOrders(
    creds: BigCommerceCredentials,
    query: { minDateModified?: string; statusId?: number; sort?: string; page: number; limit: number },
  ) {
    await this.enter(creds, `GET /v2/orders status_id=${query.statusId} page=${query.page}`);
    const all = (this.orders.get(creds.storeHash) ?? [])
      .filter((o) => query.statusId === undefined || o.statusId === query.statusId)
      .filter((o) => !query.minDateModified || o.dateModified >= query.minDateModified)
      .sort((a, b) => (a.dateModified < b.dateModified ? -1 : 1));
    return clone(all.slice((query.page - 1) * query.limit, query.page * query.limit));
  }
  async listHooks(creds: BigCommerceCredentials, filter: { scope?: string; destination?: string }) {
    await this.enter(creds, `GET /v3/hooks${filter.scope ? ` scope=${filter.scope}` : ''}`);
    return clone(
      this.store(creds.storeHash).filter(
        (h) =>
          (!filter.scope || h.scope === filter.scope) &&
          (!filter.destination || h.destination === filter.destination),
      ),
    );
  }
  async createHook(creds: BigCommerceCredentials, hook: NewHook) {
    await this.enter(creds, 'POST /v3/hooks');
    // Like BigCommerce: one hook per scope and destination.
    if (this.store(creds.storeHash).some((h) => h.scope === hook.scope && h.destination === hook.destination))
      throw new FakeBcError('POST /v3/hooks answered 422', 422);
    return clone(this.addHook(creds.storeHash, { ...hook, headers: hook.headers }));
  }
  async updateHook(creds: BigCommerceCredentials, id: number, patch: Partial<NewHook>) {
    await this.enter(creds, `PUT /v3/hooks/${id}`);
    const h = this.store(creds.storeHash).find((x) => x.id === id);
    if (!h) throw new FakeBcError(`PUT /v3/hooks/${id} answered 404`, 404);
    Object.assign(h, patch);
    return clone(h);
  }
  async deleteHook(creds: BigCommerceCredentials, id: number) {
    await this.enter(creds, `DELETE /v3/hooks/${id}`);
    const list = this.store(creds.storeHash);
    const i = list.findIndex((x) => x.id === id);
    if (i >= 0) list.splice(i, 1);
  }
}

/** A real Powertools set whose log lines and metrics the test can read. */
export function capturingObservability(service: string): {
  obs: Observability;
  lines: string[];
  metrics: Array<{ name: string; value: number }>;
  restore: () => void;
} {
  const obs = createObservability(service);
  obs.logger.setLogLevel('DEBUG');
  const lines: string[] = [];
  const metrics: Array<{ name: string; value: number }> = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    jest
      .spyOn(console, m)
      .mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
  );
  jest.spyOn(obs.metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    metrics.push({ name, value });
    return obs.metrics;
  });
  return {
    obs,
    lines,
    metrics,
    restore: () => {
      out.mockRestore();
      err.mockRestore();
      consoles.forEach((c) => c.mockRestore());
    },
  };
}

export const metricTotals = (metrics: Array<{ name: string; value: number }>) =>
  metrics.reduce<Record<string, number>>(
    (acc, m) => ({ ...acc, [m.name]: (acc[m.name] ?? 0) + m.value }),
    {},
  );
