/**
 * The BigCommerce sandbox: a local stand-in for the documented API subset (docs/contract.md section 8), on
 * node:http. `/stores/{store_hash}/…` behaves like BigCommerce (auth, rate limit, faults, then the API);
 * `/_sandbox/…` holds the control routes. See docs/sandbox.md.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Answer, type ApiContext, INVALID_JSON, handleApi, v3Error } from './bc-api';
import { handleControl } from './control';
import { type DeliveryRecord, Deliverer } from './deliveries';
import { type Fault, FaultList } from './faults';
import { RateLimiter } from './rate-limit';
import {
  tokenAllows,
  type SandboxOrder,
  type Store,
  type StoreInput,
  SandboxState,
  hookJson,
  isKnownStatusId,
  orderJson,
} from './store';

export type { DeliveryRecord } from './deliveries';
export { RETRY_SCHEDULE_SECONDS } from './deliveries';
export type { SandboxOrder, StoreInput } from './store';

export interface SandboxOptions {
  /** 0 = a random free port; default 3100. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Multiplies the delivery retry schedule (e.g. 0.001 in tests); default 1. */
  timeScale?: number;
  /** Per-store quota; default 150 requests per 30 s; `false` disables limiting and its headers. */
  rateLimit?: { quota: number; windowMs: number } | false;
  /** Added to every BigCommerce API answer (not control routes), e.g. 150 to measure as from AWS. */
  latencyMs?: number;
  /**
   * A hook created or re-activated this recently (ms) does not fire yet: BigCommerce can take about a
   * minute to start firing a new hook. Default 0.
   */
  hookActivationMs?: number;
  /** How long a receiver may take to answer a delivery; default 10 000 ms. */
  deliveryTimeoutMs?: number;
  log?: (line: string) => void;
  /**
   * Clock for order and hook timestamps, callback `created_at` and rate-limit windows (tests move it to
   * cross a window or spread `date_modified`). Delivery scheduling and signatures always use real time.
   */
  now?: () => number;
}

export interface RequestRecord {
  method: string;
  /** Path without the query string, e.g. `/stores/abc123/v2/orders/7`. */
  path: string;
  /** The query string including `?`, or ''. */
  query: string;
  storeHash: string;
  status: number;
  /** ISO time the answer was sent. */
  at: string;
}

export interface Sandbox {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Throws if the store exists. */
  createStore(s: StoreInput): void;
  hasStore(storeHash: string): boolean;
  /**
   * Creates the order or changes its status; a change delivers webhooks. Throws on an unknown store.
   * A new order gets one product line per entry of `quantities` (default `[1]`).
   */
  setOrderStatus(storeHash: string, orderId: number, statusId: number, quantities?: number[]): SandboxOrder;
  /** Archives the order (`is_deleted: true`, `store/order/archived`). Throws on an unknown order. */
  archiveOrder(storeHash: string, orderId: number): SandboxOrder;
  /**
   * Runs one BigCommerce API request for the store without a token or the rate limit (control routes,
   * tests): e.g. `('POST', '/v2/orders/250/shipments', body)`.
   */
  api(storeHash: string, method: string, path: string, body?: unknown): Answer;
  /** Current hooks in BigCommerce's JSON shape. */
  hooks(storeHash: string): unknown[];
  /** Every delivery attempt, oldest first. */
  deliveries(storeHash: string): DeliveryRecord[];
  /** BigCommerce API requests (not control routes), oldest first. */
  requests: RequestRecord[];
  injectFault(f: Fault): void;
  /** Resolves when no delivery is in flight or scheduled. */
  settled(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const readBody = (req: http.IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const parseJson = (raw: string): unknown => {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return INVALID_JSON;
  }
};

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

const send = (res: http.ServerResponse, answer: Answer): void => {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers).end();
    return;
  }
  const body = JSON.stringify(answer.body);
  headers['content-type'] = 'application/json';
  res.writeHead(answer.status, headers).end(body);
};

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const timeScale = options.timeScale ?? 1;
  const now = options.now ?? Date.now;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new Error('timeScale must be a positive number');

  const state = new SandboxState();
  const faults = new FaultList();
  const limiter = new RateLimiter(options.rateLimit ?? { quota: 150, windowMs: 30_000 });
  const deliverer = new Deliverer({
    timeScale,
    timeoutMs: options.deliveryTimeoutMs ?? 10_000,
    log,
    now,
    ...(options.hookActivationMs !== undefined && { hookActivationMs: options.hookActivationMs }),
  });
  const requests: RequestRecord[] = [];
  let baseUrl = '';

  const storeOrThrow = (storeHash: string) => {
    const store = state.stores.get(storeHash);
    if (!store) throw new Error(`unknown store ${storeHash}`);
    return store;
  };

  const setStatus = (
    storeHash: string,
    orderId: number,
    statusId: number,
    quantities?: number[],
  ): SandboxOrder => {
    const store = storeOrThrow(storeHash);
    if (!Number.isSafeInteger(orderId) || orderId < 1) throw new Error(`invalid order id ${orderId}`);
    if (!isKnownStatusId(statusId)) throw new Error(`invalid BigCommerce status id ${statusId}`);
    const nowMs = now();
    const { order, previous } = state.setOrderStatus(store, orderId, statusId, nowMs, quantities);
    const data = { type: 'order', id: orderId };
    if (previous === undefined) {
      deliverer.publish(store, 'store/order/created', data, nowMs);
    } else if (previous !== statusId) {
      const status = { previous_status_id: previous, new_status_id: statusId };
      deliverer.publish(store, 'store/order/statusUpdated', { ...data, status }, nowMs);
      deliverer.publish(store, 'store/order/updated', data, nowMs);
    }
    return orderJson(baseUrl, store, order);
  };

  const archive = (storeHash: string, orderId: number): SandboxOrder => {
    const store = storeOrThrow(storeHash);
    const order = store.orders.get(orderId);
    if (!order) throw new Error(`unknown order ${orderId}`);
    const nowMs = now();
    if (!order.isDeleted) {
      order.isDeleted = true;
      order.modifiedMs = nowMs;
      deliverer.publish(store, 'store/order/archived', { type: 'order', id: orderId }, nowMs);
    }
    return orderJson(baseUrl, store, order);
  };

  const apiContext = (store: Store, nowMs: number): ApiContext => ({
    state,
    store,
    baseUrl,
    nowMs,
    setOrderStatus: (id, statusId) => setStatus(store.storeHash, id, statusId),
    archiveOrder: (id) => void archive(store.storeHash, id),
    publish: (scope, data) => deliverer.publish(store, scope, data, nowMs),
  });

  const sandbox: Sandbox = {
    url: '',
    port: 0,
    requests,
    createStore: (s) => void state.createStore(s),
    hasStore: (storeHash) => state.stores.has(storeHash),
    setOrderStatus: setStatus,
    archiveOrder: archive,
    api: (storeHash, method, path, body) =>
      handleApi(apiContext(storeOrThrow(storeHash), now()), {
        method,
        path,
        query: new URLSearchParams(),
        body,
      }),
    hooks: (storeHash) => {
      const store = storeOrThrow(storeHash);
      return [...store.hooks.values()].map((h) => hookJson(store, h));
    },
    deliveries: (storeHash) => deliverer.deliveries(storeHash),
    injectFault: (f) => faults.add(f),
    settled: () => deliverer.settled(),
    stop: async () => {
      deliverer.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  /** Faults, then auth, then the rate limit, then the API itself. */
  const answerApi = async (
    req: http.IncomingMessage,
    storeHash: string,
    url: URL,
    apiPath: string,
    raw: string,
  ): Promise<Answer> => {
    if (options.latencyMs) await sleep(options.latencyMs);
    const fault = faults.take(storeHash, url.pathname);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.status !== undefined) {
      return {
        status: fault.status,
        headers: { ...limiter.peek(storeHash, now()), ...fault.headers },
        body: fault.body ?? (fault.status === 204 ? undefined : v3Error(fault.status, 'Injected fault').body),
      };
    }
    const store = state.stores.get(storeHash);
    const token = req.headers['x-auth-token'];
    if (!store || token !== store.accessToken) {
      const answer = v3Error(
        401,
        'Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.',
      );
      return { ...answer, headers: store ? limiter.peek(storeHash, now()) : {} };
    }
    if (!tokenAllows(store, apiPath))
      return { ...v3Error(403, "You don't have a required scope to access the endpoint") };
    const nowMs = now();
    const rate = limiter.take(storeHash, nowMs);
    if (!rate.allowed) return { ...v3Error(429, 'Too many requests'), headers: rate.headers };
    const answer = handleApi(apiContext(store, nowMs), {
      method: req.method ?? 'GET',
      path: apiPath,
      query: url.searchParams,
      body: parseJson(raw),
    });
    return { ...answer, headers: { ...rate.headers, ...answer.headers } };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    if (raw === undefined) return send(res, v3Error(413, 'Request body too large'));

    if (url.pathname.startsWith('/_sandbox/')) {
      const body = parseJson(raw);
      return send(
        res,
        handleControl(sandbox, method, url.pathname, body === INVALID_JSON ? undefined : body),
      );
    }
    const match = /^\/stores\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!match) return send(res, v3Error(404, 'The requested resource was not found.'));
    const storeHash = decodeURIComponent(match[1] ?? '');
    const answer = await answerApi(req, storeHash, url, match[2] ?? '/', raw);
    requests.push({
      method,
      path: url.pathname,
      query: url.search,
      storeHash,
      status: answer.status,
      at: new Date().toISOString(),
    });
    log(`${method} ${url.pathname}${url.search} -> ${answer.status}`);
    send(res, answer);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`sandbox error: ${error instanceof Error ? error.message : String(error)}`);
      send(res, v3Error(500, 'Internal Server Error'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3100, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${port}`;
  sandbox.url = baseUrl;
  sandbox.port = port;
  return sandbox;
}
