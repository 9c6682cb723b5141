/**
 * The BigCommerce API subset under `/stores/{store_hash}/`: Webhooks v3 (`/v3/hooks…`) and Orders v2
 * (`/v2/orders…`), with BigCommerce's status codes and body shapes. Auth, rate limiting and faults are
 * applied by the server before these handlers run.
 */
import { z } from 'zod';
import { handleOrderSubresource } from './shipments';
import {
  type Hook,
  type SandboxOrder,
  type SandboxState,
  type Store,
  hookJson,
  isKnownStatusId,
  orderJson,
  parseDateFilter,
} from './store';

export interface Answer {
  status: number;
  /** undefined means no body (204). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiContext {
  state: SandboxState;
  store: Store;
  baseUrl: string;
  nowMs: number;
  /** Applies a status change the way a merchant's change would (webhooks included). */
  setOrderStatus(orderId: number, statusId: number): SandboxOrder;
  /** Archives the order (`is_deleted`), delivering `store/order/archived`. */
  archiveOrder(orderId: number): void;
  /** Delivers a callback of `scope` to the store's hooks. */
  publish(scope: string, data: Record<string, unknown>): void;
}

export interface ApiRequest {
  method: string;
  /** Path after `/stores/{store_hash}`, e.g. `/v3/hooks/12`. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body; `invalid` when the body is not JSON; undefined when empty. */
  body: unknown;
}

export const INVALID_JSON = Symbol('invalid JSON');

const STATUS_CODES_TYPE = '/api-docs/getting-started/api-status-codes';

/** v3 error body (`error_Full` / `errorDetailed_Full`). */
export const v3Error = (status: number, title: string, errors?: Record<string, string>): Answer => ({
  status,
  body: { status, title, type: STATUS_CODES_TYPE, ...(errors ? { errors } : {}) },
});

/** v2 error body: an array of `{status, message}`. */
const v2Error = (status: number, message: string): Answer => ({ status, body: [{ status, message }] });

const positiveInt = (value: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
  if (value === null) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) return undefined;
  return Math.min(Number(value), max);
};

const pathId = (segment: string | undefined): number | undefined =>
  segment !== undefined && /^\d{1,15}$/.test(segment) && Number(segment) > 0 ? Number(segment) : undefined;

export const handleApi = (ctx: ApiContext, req: ApiRequest): Answer => {
  const parts = req.path.split('/').filter(Boolean); // e.g. ['v3', 'hooks', '12']
  const [version, resource, id, ...extra] = parts;
  if (extra.length === 0 && version === 'v3' && resource === 'hooks') {
    return id === undefined ? hooksCollection(ctx, req) : hookItem(ctx, req, id);
  }
  if (extra.length === 0 && version === 'v2' && resource === 'orders') {
    return id === undefined ? ordersCollection(ctx, req) : orderItem(ctx, req, id);
  }
  if (version === 'v2' && resource === 'orders' && id !== undefined && extra[0] !== undefined) {
    const orderId = pathId(id);
    const order = orderId === undefined ? undefined : ctx.store.orders.get(orderId);
    const answer = handleOrderSubresource(ctx, req, order, extra[0], extra.slice(1));
    if (answer) return answer;
  }
  return version === 'v2'
    ? v2Error(404, 'The requested resource was not found.')
    : v3Error(404, 'The requested resource was not found.');
};

// ---- Webhooks v3 -------------------------------------------------------------------------------

const hookHeaders = z.record(z.string(), z.string()).nullable().optional();
const hookCreate = z.object({
  scope: z.string().min(1),
  destination: z.string().min(1),
  is_active: z.boolean().optional(),
  headers: hookHeaders,
});
const hookUpdate = hookCreate.partial();

/** Maps zod issues to BigCommerce's 422 `errors` object (`{field: message}`, Play-JSON style messages). */
const unprocessable = (body: unknown, issues: z.core.$ZodIssue[]): Answer => {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || 'body';
    const top = issue.path[0];
    errors[field] =
      typeof top === 'string' && raw[top] === undefined
        ? 'error.path.missing'
        : issue.code === 'invalid_type'
          ? `error.expected.js${issue.expected}`
          : issue.message;
  }
  return v3Error(422, 'JSON data is missing or invalid', errors);
};

const checkHookValues = (scope?: string, destination?: string): Record<string, string> | undefined => {
  const errors: Record<string, string> = {};
  if (scope !== undefined && !/^store\/[A-Za-z/*]+$/.test(scope)) errors.scope = 'error.scope.invalid';
  if (destination !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(destination).protocol;
    } catch {
      // stays invalid
    }
    if (protocol !== 'https:' && protocol !== 'http:') errors.destination = 'error.url.invalid';
  }
  return Object.keys(errors).length ? errors : undefined;
};

const duplicateOf = (store: Store, scope: string, destination: string, except?: number): Hook | undefined =>
  [...store.hooks.values()].find(
    (h) => h.id !== except && h.scope === scope && h.destination === destination,
  );

const duplicateAnswer = (scope: string, destination: string): Answer =>
  v3Error(422, `A webhook with scope ${scope} and destination ${destination} already exists.`, {
    scope: 'error.duplicate',
  });

/** BigCommerce answers an empty `headers` object as `null`. */
const normaliseHeaders = (headers: Record<string, string> | null | undefined) =>
  headers && Object.keys(headers).length > 0 ? headers : null;

const hooksCollection = (ctx: ApiContext, req: ApiRequest): Answer => {
  const { store } = ctx;
  if (req.method === 'GET') {
    const page = positiveInt(req.query.get('page'), 1);
    const limit = positiveInt(req.query.get('limit'), 50, 250);
    const isActive = req.query.get('is_active');
    if (
      page === undefined ||
      limit === undefined ||
      (isActive !== null && !/^(true|false)$/.test(isActive))
    ) {
      return v3Error(400, 'Input is invalid.');
    }
    const scope = req.query.get('scope');
    const destination = req.query.get('destination');
    const all = [...store.hooks.values()].filter(
      (h) =>
        (scope === null || h.scope === scope) &&
        (destination === null || h.destination === destination) &&
        (isActive === null || String(h.isActive) === isActive),
    );
    const data = all.slice((page - 1) * limit, page * limit).map((h) => hookJson(store, h));
    const totalPages = Math.ceil(all.length / limit);
    const link = (p: number) => {
      const q = new URLSearchParams(req.query);
      q.set('page', String(p));
      q.set('limit', String(limit));
      return `?${q.toString()}`;
    };
    const links: Record<string, string> = { current: link(page) };
    if (page > 1) links.previous = link(page - 1);
    if (page < totalPages) links.next = link(page + 1);
    const pagination = {
      total: all.length,
      count: data.length,
      per_page: limit,
      current_page: page,
      total_pages: totalPages,
      links,
    };
    return { status: 200, body: { data, meta: { pagination } } };
  }
  if (req.method === 'POST') {
    if (req.body === INVALID_JSON || typeof req.body !== 'object' || req.body === null) {
      return v3Error(400, 'Input is invalid.');
    }
    const parsed = hookCreate.safeParse(req.body);
    if (!parsed.success) return unprocessable(req.body, parsed.error.issues);
    const { scope, destination } = parsed.data;
    const invalid = checkHookValues(scope, destination);
    if (invalid) return v3Error(422, 'JSON data is missing or invalid', invalid);
    if (duplicateOf(store, scope, destination)) return duplicateAnswer(scope, destination);
    const hook = ctx.state.addHook(
      store,
      {
        scope,
        destination,
        isActive: parsed.data.is_active ?? true,
        headers: normaliseHeaders(parsed.data.headers),
      },
      ctx.nowMs,
    );
    return { status: 200, body: { data: hookJson(store, hook), meta: {} } };
  }
  return v3Error(405, 'Method Not Allowed');
};

const hookItem = (ctx: ApiContext, req: ApiRequest, idSegment: string): Answer => {
  const { store } = ctx;
  const id = pathId(idSegment);
  const hook = id === undefined ? undefined : store.hooks.get(id);
  if (!['GET', 'PUT', 'DELETE'].includes(req.method)) return v3Error(405, 'Method Not Allowed');
  if (!hook) return v3Error(404, `Webhook with id [${idSegment}] not found`);

  if (req.method === 'PUT') {
    if (req.body === INVALID_JSON || typeof req.body !== 'object' || req.body === null) {
      return v3Error(400, 'Input is invalid.');
    }
    const parsed = hookUpdate.safeParse(req.body);
    if (!parsed.success) return unprocessable(req.body, parsed.error.issues);
    const patch = parsed.data;
    if (Object.values(patch).every((v) => v === undefined)) {
      return v3Error(422, 'JSON data is missing or invalid', { body: 'At least one field is required.' });
    }
    const invalid = checkHookValues(patch.scope, patch.destination);
    if (invalid) return v3Error(422, 'JSON data is missing or invalid', invalid);
    const scope = patch.scope ?? hook.scope;
    const destination = patch.destination ?? hook.destination;
    if (duplicateOf(store, scope, destination, hook.id)) return duplicateAnswer(scope, destination);
    hook.scope = scope;
    hook.destination = destination;
    if (patch.is_active === true && !hook.isActive) hook.activeSinceMs = ctx.nowMs;
    if (patch.is_active !== undefined) hook.isActive = patch.is_active;
    if (patch.headers !== undefined) hook.headers = normaliseHeaders(patch.headers);
    hook.updatedAt = Math.floor(ctx.nowMs / 1000);
  }
  if (req.method === 'DELETE') store.hooks.delete(hook.id);
  return { status: 200, body: { data: hookJson(store, hook), meta: {} } };
};

// ---- Orders v2 ---------------------------------------------------------------------------------

const SORT_FIELDS = [
  'id',
  'customer_id',
  'date_created',
  'date_modified',
  'status_id',
  'channel_id',
  'external_id',
];

/** BigCommerce keeps dates to the second, so filters and sorting compare whole seconds. */
const seconds = (ms: number) => Math.floor(ms / 1000);

const ordersCollection = (ctx: ApiContext, req: ApiRequest): Answer => {
  if (req.method !== 'GET') return v2Error(405, 'The requested method is not supported.');
  const q = req.query;
  const page = positiveInt(q.get('page'), 1);
  const limit = positiveInt(q.get('limit'), 50, 250);
  if (page === undefined) return v2Error(400, "The field 'page' is invalid.");
  if (limit === undefined) return v2Error(400, "The field 'limit' is invalid.");

  const statusParam = q.get('status_id');
  if (statusParam !== null && !/^\d+$/.test(statusParam))
    return v2Error(400, "The field 'status_id' is invalid.");
  const dates: Record<string, number | undefined> = {};
  for (const name of ['min_date_modified', 'max_date_modified']) {
    const value = q.get(name);
    if (value === null) continue;
    const ms = parseDateFilter(value);
    if (ms === undefined) return v2Error(400, `The field '${name}' is invalid.`);
    dates[name] = seconds(ms);
  }
  const [sortField = 'id', direction = 'asc', ...rest] = (q.get('sort') ?? 'id').split(':');
  if (!SORT_FIELDS.includes(sortField) || !['asc', 'desc'].includes(direction) || rest.length > 0) {
    return v2Error(400, "The field 'sort' is invalid.");
  }

  const min = dates.min_date_modified;
  const max = dates.max_date_modified;
  const orders = [...ctx.store.orders.values()].filter(
    (o) =>
      (statusParam === null || o.statusId === Number(statusParam)) &&
      (min === undefined || seconds(o.modifiedMs) >= min) &&
      (max === undefined || seconds(o.modifiedMs) <= max),
  );
  const key: Record<string, (o: (typeof orders)[number]) => number> = {
    date_created: (o) => seconds(o.createdMs),
    date_modified: (o) => seconds(o.modifiedMs),
    status_id: (o) => o.statusId,
  };
  const sortKey = key[sortField] ?? ((o) => o.id);
  const sign = direction === 'desc' ? -1 : 1;
  orders.sort((a, b) => sign * (sortKey(a) - sortKey(b) || a.id - b.id));

  const pageItems = orders.slice((page - 1) * limit, page * limit);
  if (pageItems.length === 0) return { status: 204 };
  return { status: 200, body: pageItems.map((o) => orderJson(ctx.baseUrl, ctx.store, o)) };
};

const orderItem = (ctx: ApiContext, req: ApiRequest, idSegment: string): Answer => {
  if (!['GET', 'PUT', 'DELETE'].includes(req.method)) {
    return v2Error(405, 'The requested method is not supported.');
  }
  const id = pathId(idSegment);
  const order = id === undefined ? undefined : ctx.store.orders.get(id);
  if (!order) return v2Error(404, 'The requested resource was not found.');
  if (req.method === 'DELETE') {
    // BigCommerce archives rather than deletes: the order stays readable with `is_deleted: true`.
    ctx.archiveOrder(order.id);
    return { status: 204 };
  }
  if (req.method === 'PUT') {
    if (
      req.body === INVALID_JSON ||
      typeof req.body !== 'object' ||
      req.body === null ||
      Array.isArray(req.body)
    ) {
      return v2Error(400, 'The request body is not valid JSON.');
    }
    const statusId = (req.body as Record<string, unknown>).status_id;
    if (statusId !== undefined) {
      if (!isKnownStatusId(statusId)) return v2Error(400, "The field 'status_id' is invalid.");
      return { status: 200, body: ctx.setOrderStatus(order.id, statusId) };
    }
  }
  return { status: 200, body: orderJson(ctx.baseUrl, ctx.store, order) };
};
