/**
 * Webhook deliveries as BigCommerce makes them: a light JSON callback POSTed to every active hook of the
 * scope, with the hook's custom headers and a Standard Webhooks signature keyed by the store's client
 * secret; a non-2xx answer or a timeout is retried on the documented schedule (times `timeScale`), and
 * after the last retry fails the hook is deactivated. Every attempt is recorded.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { Store } from './store';

/** Seconds between a failed attempt and the next one (BigCommerce's documented schedule, about 48 h). */
export const RETRY_SCHEDULE_SECONDS = [
  60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400,
] as const;

export interface DeliveryRecord {
  storeHash: string;
  hookId: number;
  scope: string;
  url: string;
  /** The Standard Webhooks message id: the same on every attempt of one callback. */
  webhookId: string;
  /** 1 for the first try, up to 1 + RETRY_SCHEDULE_SECONDS.length. */
  attempt: number;
  /** The scaled wait before this attempt (0 for the first). */
  delayMs: number;
  /** ISO time the attempt was sent. */
  at: string;
  requestHeaders: Record<string, string>;
  /** The raw JSON body exactly as sent and signed. */
  body: string;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** `timeout` or the network error, when it did not. */
  error?: string;
}

export interface DelivererOptions {
  timeScale: number;
  timeoutMs: number;
  log: (line: string) => void;
  /** The sandbox clock, for the hook's `updated_at` when it is deactivated. */
  now: () => number;
  /** A hook created or re-activated this recently (ms) does not fire yet, as BigCommerce's can lag. */
  hookActivationMs?: number;
}

interface Message {
  store: Store;
  hookId: number;
  scope: string;
  webhookId: string;
  body: string;
}

const scopeMatches = (hookScope: string, scope: string): boolean =>
  hookScope === scope || (hookScope.endsWith('/*') && scope.startsWith(hookScope.slice(0, -1)));

const post = (url: URL, headers: Record<string, string>, body: string, signal: AbortSignal) =>
  new Promise<number>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        signal,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(body);
  });

export class Deliverer {
  private readonly records: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private readonly stopping = new AbortController();

  constructor(private readonly options: DelivererOptions) {}

  /** Sends `scope` with this `data` to every active hook of the store that subscribes to it. */
  publish(store: Store, scope: string, data: Record<string, unknown>, nowMs: number): void {
    if (this.stopping.signal.aborted) return;
    const callback = {
      scope,
      store_id: store.storeId,
      data,
      hash: createHash('sha1').update(JSON.stringify(data)).digest('hex'),
      created_at: Math.floor(nowMs / 1000),
      producer: `stores/${store.storeHash}`,
    };
    const body = JSON.stringify(callback);
    for (const hook of store.hooks.values()) {
      if (!hook.isActive || !scopeMatches(hook.scope, scope)) continue;
      if (nowMs < hook.activeSinceMs + (this.options.hookActivationMs ?? 0)) continue;
      this.schedule({ store, hookId: hook.id, scope, webhookId: randomUUID(), body }, 1, 0);
    }
  }

  deliveries(storeHash: string): DeliveryRecord[] {
    return this.records.filter((r) => r.storeHash === storeHash);
  }

  /** Resolves once nothing is in flight or waiting for a retry. */
  settled(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopping.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.notifyIfIdle();
  }

  private idle(): boolean {
    return this.inFlight === 0 && this.timers.size === 0;
  }

  private notifyIfIdle(): void {
    if (!this.idle() && !this.stopping.signal.aborted) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private schedule(message: Message, attempt: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.inFlight++;
      void this.attempt(message, attempt, delayMs).finally(() => {
        this.inFlight--;
        this.notifyIfIdle();
      });
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(message: Message, attempt: number, delayMs: number): Promise<void> {
    const { store, hookId, scope, webhookId, body } = message;
    const hook = store.hooks.get(hookId);
    // A hook deleted or deactivated meanwhile gets no further attempts.
    if (!hook || !hook.isActive || this.stopping.signal.aborted) return;

    const sentAt = new Date();
    const signer = new Webhook(Buffer.from(store.clientSecret).toString('base64'));
    const requestHeaders: Record<string, string> = {
      ...(hook.headers ?? {}),
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signer.sign(webhookId, sentAt, body),
    };
    const record: DeliveryRecord = {
      storeHash: store.storeHash,
      hookId,
      scope,
      url: hook.destination,
      webhookId,
      attempt,
      delayMs,
      at: sentAt.toISOString(),
      requestHeaders,
      body,
    };
    this.records.push(record);

    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      record.status = await post(
        new URL(hook.destination),
        requestHeaders,
        body,
        AbortSignal.any([timeout, this.stopping.signal]),
      );
    } catch (error) {
      record.error = timeout.aborted ? 'timeout' : error instanceof Error ? error.message : String(error);
    }
    const ok = record.status !== undefined && record.status >= 200 && record.status < 300;
    this.options.log(
      `delivery ${scope} hook=${hookId} attempt=${attempt} -> ${record.status ?? record.error ?? ''}`,
    );
    if (ok || this.stopping.signal.aborted) return;

    const waitSeconds = RETRY_SCHEDULE_SECONDS[attempt - 1];
    if (waitSeconds !== undefined) {
      this.schedule(message, attempt + 1, waitSeconds * 1000 * this.options.timeScale);
    } else if (hook.isActive) {
      hook.isActive = false;
      hook.updatedAt = Math.floor(this.options.now() / 1000);
      this.options.log(`hook ${hookId} (${scope}) deactivated after ${attempt} failed attempts`);
    }
  }
}
