import type {
  BigCommerceApi,
  BigCommerceCredentials,
  BigCommerceHook,
  BigCommerceOrder,
  CallOptions,
  NewHook,
} from '../../../functions/adapters/bigcommerce-client';
import type { Shipment } from '../../../functions/domain/shipment';
import { clone } from './call-log';

class FakeBcError extends Error {
  override name = 'BigCommerceError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** What getOrder answers for `date_modified` when a test gave none. */
const DEFAULT_DATE_MODIFIED = '2026-05-01T00:00:00.000Z';

/** BigCommerce in memory: hooks, orders and shipments per store, and a log of every call. */
export class FakeBigCommerce implements BigCommerceApi {
  readonly hooks = new Map<string, BigCommerceHook[]>();
  /** storeHash → its orders (getOrder and listOrders read them). */
  readonly orders = new Map<string, BigCommerceOrder[]>();
  /** storeHash/orderId → shipments; absent → none (204). */
  readonly shipments = new Map<string, Shipment[]>();
  /** storeHash/orderId → archived in BigCommerce. */
  readonly deleted = new Set<string>();
  /** storeHash/orderId → date_modified answered; a list is answered in turn, its last one repeated. */
  readonly dates = new Map<string, string[]>();
  /** storeHash → the access token it accepts (others answer 401). */
  readonly tokens = new Map<string, string>();
  /** Every call, as `<storeHash> <METHOD path>`. */
  readonly calls: string[] = [];
  /** Every getOrder, with the credentials and options it was given. */
  readonly orderReads: { creds: BigCommerceCredentials; orderId: number; options?: CallOptions }[] = [];
  /** The order id of every listShipments. */
  readonly shipmentReads: number[] = [];
  /** storeHash → status every call answers with (e.g. 500, 401). */
  readonly failing = new Map<string, number>();
  /** orderId → error thrown for every getOrder of that order. */
  readonly failingOrders = new Map<number, Error>();
  /** Errors the next getOrders throw, in order. */
  readonly errors: Error[] = [];
  /** Calls options.onThrottle this many times on the next getOrder before answering. */
  throttles = 0;
  /** storeHash → the probe's answer when not 'ok' (failing/tokens apply first). */
  readonly access = new Map<string, 'forbidden' | 'unknown_store'>();
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

  /** Puts the order in the store with this status (replacing it); `dateModified` as in `dates`. */
  setStatus(storeHash: string, orderId: number, statusId: number, ...dateModified: string[]) {
    const others = (this.orders.get(storeHash) ?? []).filter((o) => o.id !== orderId);
    const order = {
      id: orderId,
      statusId,
      status: `status ${statusId}`,
      dateModified: DEFAULT_DATE_MODIFIED,
    };
    this.orders.set(storeHash, [...others, order]);
    if (dateModified.length > 0) this.dates.set(`${storeHash}/${orderId}`, dateModified);
  }

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

  async getOrder(creds: BigCommerceCredentials, orderId: number, options?: CallOptions) {
    this.orderReads.push({ creds, orderId, ...(options ? { options } : {}) });
    await this.enter(creds, `GET /v2/orders/${orderId}`);
    const error = this.failingOrders.get(orderId) ?? this.errors.shift();
    if (error) throw error;
    for (; this.throttles > 0; this.throttles--) options?.onThrottle?.(1000);
    const order = this.orders.get(creds.storeHash)?.find((o) => o.id === orderId);
    if (!order) return undefined;
    const key = `${creds.storeHash}/${orderId}`;
    return {
      ...clone(order),
      dateModified: this.nextDate(key) ?? order.dateModified,
      ...(this.deleted.has(key) && { isDeleted: true }),
    };
  }
  private nextDate(key: string) {
    const dates = this.dates.get(key);
    if (!dates) return undefined;
    return dates.length > 1 ? dates.shift()! : dates[0]!;
  }

  async listShipments(creds: BigCommerceCredentials, orderId: number) {
    this.shipmentReads.push(orderId);
    await this.enter(creds, `GET /v2/orders/${orderId}/shipments`);
    return clone(this.shipments.get(`${creds.storeHash}/${orderId}`) ?? []);
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
