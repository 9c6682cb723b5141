/**
 * BigCommerce's per-store request quota: a fixed window that starts with the first request, shared by every
 * caller of the store. Each answer carries the four `X-Rate-Limit-*` headers; an exhausted window is a 429.
 */
export interface RateLimitConfig {
  quota: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

interface Window {
  startMs: number;
  used: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly config: RateLimitConfig | false) {}

  /** Headers describing the store's window without spending a request (for 401s and injected faults). */
  peek(storeHash: string, nowMs: number): Record<string, string> {
    if (!this.config) return {};
    const window = this.windows.get(storeHash);
    const open = window && nowMs < window.startMs + this.config.windowMs;
    return this.headers(open ? window : { startMs: nowMs, used: 0 }, nowMs, this.config);
  }

  /** Spends one request of the store's quota if any is left. */
  take(storeHash: string, nowMs: number): RateDecision {
    if (!this.config) return { allowed: true, headers: {} };
    const window = this.current(storeHash, nowMs);
    const allowed = window.used < this.config.quota;
    if (allowed) window.used++;
    const headers = this.headers(window, nowMs, this.config);
    if (!allowed) {
      headers['X-Retry-After'] = String(Math.ceil(Number(headers['X-Rate-Limit-Time-Reset-Ms']) / 1000));
    }
    return { allowed, headers };
  }

  private current(storeHash: string, nowMs: number): Window {
    const window = this.windows.get(storeHash);
    if (window && this.config && nowMs < window.startMs + this.config.windowMs) return window;
    const fresh = { startMs: nowMs, used: 0 };
    this.windows.set(storeHash, fresh);
    return fresh;
  }

  private headers(window: Window, nowMs: number, config: RateLimitConfig): Record<string, string> {
    return {
      'X-Rate-Limit-Requests-Left': String(Math.max(0, config.quota - window.used)),
      'X-Rate-Limit-Requests-Quota': String(config.quota),
      'X-Rate-Limit-Time-Reset-Ms': String(Math.max(0, window.startMs + config.windowMs - nowMs)),
      'X-Rate-Limit-Time-Window-Ms': String(config.windowMs),
    };
  }
}
