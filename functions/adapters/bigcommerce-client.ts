import * as z from '../common/zod';
import type { Shipment } from '../domain/shipment';
import { StoreGate } from './store-gate';

/**
 * BigCommerce REST client (shared by order-worker and hook-manager). Paths under
 * `${BIGCOMMERCE_API_URL}/stores/{store_hash}/…`: `/v2/orders/{id}`, `/v2/orders/{id}/shipments`,
 * `/v2/orders`, `/v3/hooks…`.
 */
export interface BigCommerceCredentials {
  storeHash: string;
  accessToken: string;
}

export interface BigCommerceOrder {
  id: number;
  statusId: number;
  status: string;
  /** ISO time (converted from BigCommerce's RFC-2822 `date_modified`). */
  dateModified: string;
  /** BigCommerce's `is_deleted`: the merchant archived the order (absent means false). */
  isDeleted?: boolean;
}

export interface BigCommerceHook {
  id: number;
  scope: string;
  destination: string;
  isActive: boolean;
  headers: Record<string, string> | null;
}

export interface NewHook {
  scope: string;
  destination: string;
  isActive: boolean;
  headers: Record<string, string>;
}

export interface CallOptions {
  /** Epoch ms by which the call must have answered; a 429/5xx wait that would pass it fails instead. */
  deadline?: number;
  /** Called on every 429 with the wait BigCommerce asked for (the worker counts BigCommerceThrottled). */
  onThrottle?: (waitMs: number) => void;
}

/** What `GET /v2/orders?limit=1` says about credentials (5xx, 429, timeouts: thrown, retryable). */
export type OrdersAccess = 'ok' | 'unauthorized' | 'forbidden' | 'unknown_store';

export interface BigCommerceApi {
  /**
   * One `GET /v2/orders?limit=1`: can these credentials read orders (what the worker needs; hooks
   * need no scope)? 401 → unauthorized, 403 → forbidden (no Orders read scope), 404 → unknown_store.
   */
  probeOrdersAccess(creds: BigCommerceCredentials, options?: CallOptions): Promise<OrdersAccess>;
  /** undefined when BigCommerce answers 404. */
  getOrder(
    creds: BigCommerceCredentials,
    orderId: number,
    options?: CallOptions,
  ): Promise<BigCommerceOrder | undefined>;
  /**
   * The order's shipments, oldest first (`/v2/orders/{id}/shipments`; 204 → none). Pages of 250 are
   * followed, so an ordinary order costs one request.
   */
  listShipments(creds: BigCommerceCredentials, orderId: number, options?: CallOptions): Promise<Shipment[]>;
  /** One page of `/v2/orders` (empty array past the last page: BigCommerce answers 204). */
  listOrders(
    creds: BigCommerceCredentials,
    query: { minDateModified?: string; statusId?: number; sort?: string; page: number; limit: number },
    options?: CallOptions,
  ): Promise<BigCommerceOrder[]>;
  /** Every page of `/v3/hooks` matching the filter. */
  listHooks(
    creds: BigCommerceCredentials,
    filter: { scope?: string; destination?: string; isActive?: boolean },
    options?: CallOptions,
  ): Promise<BigCommerceHook[]>;
  createHook(creds: BigCommerceCredentials, hook: NewHook, options?: CallOptions): Promise<BigCommerceHook>;
  updateHook(
    creds: BigCommerceCredentials,
    id: number,
    patch: Partial<NewHook>,
    options?: CallOptions,
  ): Promise<BigCommerceHook>;
  /** Resolves when deleted or already gone (404). */
  deleteHook(creds: BigCommerceCredentials, id: number, options?: CallOptions): Promise<void>;
}

// --- HTTP implementation -------------------------------------------------------------------------------

/**
 * A failed BigCommerce call. `retryable`: trying again later may succeed (5xx, 429, network, timeout,
 * out of time before the deadline); otherwise the request itself is wrong (401, 403, 422, …).
 * Messages name the method, path and status only: never a header, so never the access token.
 */
export class BigCommerceError extends Error {
  override name = 'BigCommerceError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * The store is out of API quota for longer than the caller may wait in-process (`maxThrottleWaitMs`):
 * try again after `retryAfterMs` (the worker sends the event back to the queue with that delay).
 */
export class BigCommerceThrottledError extends BigCommerceError {
  override name = 'BigCommerceThrottledError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, 429, true);
  }
}

/** Not implemented / HTTP version not supported: asking again cannot help. */
const NOT_RETRIED_5XX = new Set([501, 505]);

export interface HttpBigCommerceClientOptions {
  /** BIGCOMMERCE_API_URL, without a trailing slash. */
  baseUrl: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): jitter for the 5xx backoff. */
  random?: () => number;
  /** Epoch ms; compared with `CallOptions.deadline`. */
  now?: () => number;
  /** Per-request timeout (also bounded by the deadline). Default 10 s. */
  requestTimeoutMs?: number;
  /** Tries for 5xx and network errors, the first included. Default 3. */
  maxAttempts?: number;
  /** How many 429s in a row one call waits out. Default 5. */
  maxThrottleRetries?: number;
  /** Backoff after a 5xx: jittered between half and all of min(cap, base·2^retry). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /**
   * Longest in-process wait for a rate limit (a 429 or a store paused by the gate). A longer one throws
   * `BigCommerceThrottledError` at once. Default: no limit (waits, up to `maxThrottleRetries` 429s).
   */
  maxThrottleWaitMs?: number;
  /** Requests to one store in flight at once from this client. Default: unbounded. */
  perStoreConcurrency?: number;
  /** At or below this `X-Rate-Limit-Requests-Left`, requests to the store are spread out. Default 0: off. */
  lowQuotaRequestsLeft?: number;
}

const ordersSchema = z.object({
  id: z.int(),
  status_id: z.int(),
  status: z.string(),
  date_modified: z.string(),
  is_deleted: z.optional(z.boolean()),
});

const shipmentSchema = z.object({
  id: z.int(),
  date_created: z.optional(z.string()),
  tracking_number: z.nullish(z.string()),
  tracking_carrier: z.nullish(z.string()),
  tracking_link: z.nullish(z.string()),
  generated_tracking_link: z.nullish(z.string()),
  shipping_provider: z.nullish(z.string()),
  shipping_method: z.nullish(z.string()),
  items: z.nullish(z.array(z.object({ order_product_id: z.int(), quantity: z.int() }))),
});

const hookSchema = z.object({
  id: z.int(),
  scope: z.string(),
  destination: z.string(),
  is_active: z.boolean(),
  headers: z.optional(z.nullable(z.record(z.string(), z.string()))),
});

const hookEnvelope = z.object({ data: hookSchema });
const hookPage = z.object({
  data: z.array(hookSchema),
  meta: z.optional(
    z.object({
      pagination: z.optional(
        z.object({ current_page: z.optional(z.int()), total_pages: z.optional(z.int()) }),
      ),
    }),
  ),
});

/** BigCommerce v2 dates are RFC-2822 (`Tue, 20 Nov 2012 00:00:00 +0000`); the port speaks ISO. */
function toIso(rfc2822: string): string {
  const ms = Date.parse(rfc2822);
  if (Number.isNaN(ms)) throw new Error(`date_modified is not a date: ${JSON.stringify(rfc2822)}`);
  return new Date(ms).toISOString();
}

const toOrder = (raw: z.infer<typeof ordersSchema>): BigCommerceOrder => ({
  id: raw.id,
  statusId: raw.status_id,
  status: raw.status,
  dateModified: toIso(raw.date_modified),
  ...(raw.is_deleted ? { isDeleted: true } : {}),
});

/** Section-11 shape: empty strings dropped; `shippedAt` from `date_created`. */
const toShipment = (raw: z.infer<typeof shipmentSchema>): Shipment => {
  const shipment: Shipment = {
    shipmentId: raw.id,
    items: (raw.items ?? []).map((i) => ({ orderProductId: i.order_product_id, quantity: i.quantity })),
  };
  const set = (key: Exclude<keyof Shipment, 'shipmentId' | 'items'>, value: string | null | undefined) => {
    if (value) shipment[key] = value;
  };
  set('trackingNumber', raw.tracking_number);
  set('trackingCarrier', raw.tracking_carrier);
  set('shippingProvider', raw.shipping_provider);
  set('shippingMethod', raw.shipping_method);
  set('trackingLink', raw.tracking_link || raw.generated_tracking_link);
  const shippedMs = raw.date_created ? Date.parse(raw.date_created) : NaN;
  if (!Number.isNaN(shippedMs)) shipment.shippedAt = new Date(shippedMs).toISOString();
  return shipment;
};

const toHook = (raw: z.infer<typeof hookSchema>): BigCommerceHook => ({
  id: raw.id,
  scope: raw.scope,
  destination: raw.destination,
  isActive: raw.is_active,
  headers: raw.headers ?? null,
});

const toHookBody = (hook: Partial<NewHook>) => {
  const body: Record<string, unknown> = {};
  if (hook.scope !== undefined) body.scope = hook.scope;
  if (hook.destination !== undefined) body.destination = hook.destination;
  if (hook.isActive !== undefined) body.is_active = hook.isActive;
  if (hook.headers !== undefined) body.headers = hook.headers;
  return body;
};

const HOOKS_PAGE_LIMIT = 250;
/** BigCommerce's largest v2 page: one request holds every shipment of an ordinary order. */
const SHIPMENTS_PAGE_LIMIT = 250;
/** Guards a server whose pages never end. */
const MAX_SHIPMENT_PAGES = 20;
/** Guards a server whose pagination never ends. */
const MAX_HOOK_PAGES = 100;

interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/** 404 and 204 carry no body; every other answer that reaches the caller is a 2xx with JSON. */
interface Answer {
  status: number;
  body?: unknown;
}

export class HttpBigCommerceClient implements BigCommerceApi {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly requestTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxThrottleRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;
  private readonly maxThrottleWaitMs: number;
  private readonly gate: StoreGate;

  constructor(private readonly options: HttpBigCommerceClientOptions) {
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.maxThrottleRetries = options.maxThrottleRetries ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 200;
    this.backoffCapMs = options.backoffCapMs ?? 2_000;
    this.maxThrottleWaitMs = options.maxThrottleWaitMs ?? Infinity;
    this.gate = new StoreGate({
      maxInFlight: options.perStoreConcurrency ?? Infinity,
      lowQuotaRequestsLeft: options.lowQuotaRequestsLeft ?? 0,
      now: this.now,
    });
  }

  async probeOrdersAccess(creds: BigCommerceCredentials, options?: CallOptions): Promise<OrdersAccess> {
    try {
      const answer = await this.request(
        creds,
        { method: 'GET', path: '/v2/orders', query: { limit: 1 } },
        options,
      );
      return answer.status === 404 ? 'unknown_store' : 'ok';
    } catch (error) {
      if (error instanceof BigCommerceError && error.status === 401) return 'unauthorized';
      if (error instanceof BigCommerceError && error.status === 403) return 'forbidden';
      throw error;
    }
  }

  async getOrder(
    creds: BigCommerceCredentials,
    orderId: number,
    options?: CallOptions,
  ): Promise<BigCommerceOrder | undefined> {
    const answer = await this.request(creds, { method: 'GET', path: `/v2/orders/${orderId}` }, options);
    if (answer.status === 404) return undefined;
    return toOrder(this.parse(ordersSchema, answer, 'GET /v2/orders/{id}'));
  }

  async listShipments(
    creds: BigCommerceCredentials,
    orderId: number,
    options?: CallOptions,
  ): Promise<Shipment[]> {
    // 204: no shipment (or past the last page); 404: the order is gone.
    return this.allPages(
      creds,
      MAX_SHIPMENT_PAGES,
      (page) => ({
        method: 'GET',
        path: `/v2/orders/${orderId}/shipments`,
        query: { page, limit: SHIPMENTS_PAGE_LIMIT },
      }),
      (answer) => {
        const rows = this.parse(z.array(shipmentSchema), answer, 'GET /v2/orders/{id}/shipments');
        return { items: rows.map(toShipment), last: rows.length < SHIPMENTS_PAGE_LIMIT };
      },
      options,
    );
  }

  async listOrders(
    creds: BigCommerceCredentials,
    query: { minDateModified?: string; statusId?: number; sort?: string; page: number; limit: number },
    options?: CallOptions,
  ): Promise<BigCommerceOrder[]> {
    const answer = await this.request(
      creds,
      {
        method: 'GET',
        path: '/v2/orders',
        query: {
          min_date_modified: query.minDateModified,
          status_id: query.statusId,
          sort: query.sort,
          page: query.page,
          limit: query.limit,
        },
      },
      options,
    );
    // Past the last page BigCommerce answers 204 (some versions an empty array).
    if (answer.status === 204 || answer.status === 404) return [];
    return this.parse(z.array(ordersSchema), answer, 'GET /v2/orders').map(toOrder);
  }

  async listHooks(
    creds: BigCommerceCredentials,
    filter: { scope?: string; destination?: string; isActive?: boolean },
    options?: CallOptions,
  ): Promise<BigCommerceHook[]> {
    return this.allPages(
      creds,
      MAX_HOOK_PAGES,
      (page) => ({
        method: 'GET',
        path: '/v3/hooks',
        query: {
          scope: filter.scope,
          destination: filter.destination,
          is_active: filter.isActive,
          page,
          limit: HOOKS_PAGE_LIMIT,
        },
      }),
      (answer, page) => {
        const body = this.parse(hookPage, answer, 'GET /v3/hooks');
        const totalPages = body.meta?.pagination?.total_pages;
        return {
          items: body.data.map(toHook),
          last: body.data.length === 0 || totalPages === undefined || page >= totalPages,
        };
      },
      options,
    );
  }

  async createHook(
    creds: BigCommerceCredentials,
    hook: NewHook,
    options?: CallOptions,
  ): Promise<BigCommerceHook> {
    const answer = await this.request(
      creds,
      { method: 'POST', path: '/v3/hooks', body: toHookBody(hook) },
      options,
    );
    if (answer.status === 404) throw new BigCommerceError('POST /v3/hooks answered 404', 404, false);
    return toHook(this.parse(hookEnvelope, answer, 'POST /v3/hooks').data);
  }

  async updateHook(
    creds: BigCommerceCredentials,
    id: number,
    patch: Partial<NewHook>,
    options?: CallOptions,
  ): Promise<BigCommerceHook> {
    const answer = await this.request(
      creds,
      { method: 'PUT', path: `/v3/hooks/${id}`, body: toHookBody(patch) },
      options,
    );
    if (answer.status === 404) throw new BigCommerceError(`PUT /v3/hooks/${id} answered 404`, 404, false);
    return toHook(this.parse(hookEnvelope, answer, 'PUT /v3/hooks/{id}').data);
  }

  async deleteHook(creds: BigCommerceCredentials, id: number, options?: CallOptions): Promise<void> {
    // 404: already gone, which is what the caller wanted.
    await this.request(creds, { method: 'DELETE', path: `/v3/hooks/${id}` }, options);
  }

  /**
   * Page after page of a listing until `read` calls one the last, or an answer is a 204/404, or
   * `maxPages` (a server whose pages never end).
   */
  private async allPages<T>(
    creds: BigCommerceCredentials,
    maxPages: number,
    requestFor: (page: number) => RequestSpec,
    read: (answer: Answer, page: number) => { items: T[]; last: boolean },
    options?: CallOptions,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const answer = await this.request(creds, requestFor(page), options);
      if (answer.status === 204 || answer.status === 404) break;
      const got = read(answer, page);
      items.push(...got.items);
      if (got.last) break;
    }
    return items;
  }

  private parse<T>(schema: z.ZodMiniType<T>, answer: Answer, what: string): T {
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BigCommerceError(
        `${what} answered an unexpected body at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
        answer.status,
        false,
      );
    }
    return parsed.data;
  }

  private url(storeHash: string, spec: RequestSpec): string {
    const url = new URL(`${this.options.baseUrl}/stores/${encodeURIComponent(storeHash)}${spec.path}`);
    for (const [k, v] of Object.entries(spec.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /** Would waiting `waitMs` pass the deadline? Then the caller fails now, retryably (SQS retries later). */
  private outOfTime(waitMs: number, deadline: number | undefined): boolean {
    return deadline !== undefined && this.now() + waitMs >= deadline;
  }

  private async request(
    creds: BigCommerceCredentials,
    spec: RequestSpec,
    options: CallOptions = {},
  ): Promise<Answer> {
    const what = `${spec.method} ${spec.path}`;
    const { deadline } = options;
    const headers: Record<string, string> = {
      'X-Auth-Token': creds.accessToken,
      Accept: 'application/json',
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    const url = this.url(creds.storeHash, spec);

    let failures = 0;
    let throttles = 0;
    let waited = false;
    for (;;) {
      const remaining = deadline === undefined ? Infinity : deadline - this.now();
      if (remaining <= 0)
        throw new BigCommerceError(`${what}: no time left before the deadline`, undefined, true);

      if (!waited) await this.waitForStore(creds.storeHash, what, deadline);
      waited = false;
      const release = await this.gate.acquire(creds.storeHash);
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: spec.method,
          headers,
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          signal: AbortSignal.timeout(Math.max(1, Math.min(this.requestTimeoutMs, remaining))),
        });
        this.gate.observe(creds.storeHash, response.headers);
      } catch (error) {
        release();
        failures++;
        // Duck-typed: the abort DOMException is not always an `Error` of this realm.
        const name = (error as { name?: unknown } | null)?.name;
        const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : 'network error';
        await this.backoff(`${what}: ${reason}`, undefined, failures, deadline);
        continue;
      }
      release();

      if (response.status === 429) {
        throttles++;
        const waitMs = throttleWaitMs(response.headers);
        await response.body?.cancel().catch(() => undefined);
        this.gate.throttled(creds.storeHash, waitMs);
        options.onThrottle?.(waitMs);
        if (waitMs > this.maxThrottleWaitMs) {
          throw new BigCommerceThrottledError(`${what}: rate limited for ${waitMs} ms`, waitMs);
        }
        if (throttles > this.maxThrottleRetries) {
          throw new BigCommerceError(`${what}: still rate limited after ${throttles} tries`, 429, true);
        }
        if (this.outOfTime(waitMs, deadline)) {
          throw new BigCommerceError(`${what}: rate limited for ${waitMs} ms, past the deadline`, 429, true);
        }
        await this.sleep(waitMs);
        // This wait is the gate's pause for the store: do not wait for it a second time.
        waited = true;
        continue;
      }

      if (response.status >= 500 && !NOT_RETRIED_5XX.has(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        failures++;
        await this.backoff(`${what} answered ${response.status}`, response.status, failures, deadline);
        continue;
      }

      if (response.status === 404 || response.status === 204) {
        await response.body?.cancel().catch(() => undefined);
        return { status: response.status };
      }

      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new BigCommerceError(`${what} answered ${response.status}`, response.status, false);
      }

      const text = await response.text();
      if (text.trim() === '') return { status: 204 };
      try {
        return { status: response.status, body: JSON.parse(text) as unknown };
      } catch {
        throw new BigCommerceError(
          `${what} answered ${response.status} with a body that is not JSON`,
          response.status,
          false,
        );
      }
    }
  }

  /** Honours the store's pause (low quota, recent 429) when short; a long one is the caller's to schedule. */
  private async waitForStore(storeHash: string, what: string, deadline: number | undefined) {
    const pauseMs = this.gate.pauseMs(storeHash);
    if (pauseMs <= 0) return;
    if (pauseMs > this.maxThrottleWaitMs) {
      throw new BigCommerceThrottledError(`${what}: store paused for ${pauseMs} ms (rate limit)`, pauseMs);
    }
    if (this.outOfTime(pauseMs, deadline)) {
      throw new BigCommerceError(`${what}: store paused for ${pauseMs} ms, past the deadline`, 429, true);
    }
    await this.sleep(pauseMs);
  }

  /** Waits before the next try, or throws when out of tries or out of time. */
  private async backoff(
    message: string,
    status: number | undefined,
    failures: number,
    deadline: number | undefined,
  ) {
    if (failures >= this.maxAttempts) {
      throw new BigCommerceError(`${message} (after ${failures} tries)`, status, true);
    }
    const ceiling = Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** (failures - 1));
    const waitMs = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    if (this.outOfTime(waitMs, deadline)) {
      throw new BigCommerceError(`${message} (no time left to try again)`, status, true);
    }
    await this.sleep(waitMs);
  }
}

/** On 429 wait the longer of X-Rate-Limit-Time-Reset-Ms and X-Retry-After (seconds); 1 s if neither. */
export function throttleWaitMs(headers: Headers): number {
  const resetMs = Number(headers.get('x-rate-limit-time-reset-ms'));
  const retryAfterS = Number(headers.get('x-retry-after'));
  const candidates = [resetMs, retryAfterS * 1000].filter((n) => Number.isFinite(n) && n > 0);
  return candidates.length > 0 ? Math.ceil(Math.max(...candidates)) : 1_000;
}
