/**
 * Per-container courtesy towards each BigCommerce store's API quota (shared by every app the merchant
 * installed): at most `maxInFlight` requests to one store at a time, and a pause before the next request
 * when `X-Rate-Limit-Requests-Left` runs low or the store answered 429. Keyed by store, so one throttled
 * store never delays another.
 */
export interface StoreGateOptions {
  maxInFlight: number;
  /** At or below this many requests left in the window, requests to the store are spread out. */
  lowQuotaRequestsLeft: number;
  now: () => number;
}

interface StoreState {
  inFlight: number;
  waiters: (() => void)[];
  /** Epoch ms before which no request should start. */
  pausedUntil: number;
}

export class StoreGate {
  private readonly stores = new Map<string, StoreState>();

  constructor(private readonly options: StoreGateOptions) {}

  private state(store: string): StoreState {
    let state = this.stores.get(store);
    if (!state) {
      state = { inFlight: 0, waiters: [], pausedUntil: 0 };
      this.stores.set(store, state);
    }
    return state;
  }

  /** How long the next request to `store` should wait (0: go now). */
  pauseMs(store: string): number {
    const state = this.stores.get(store);
    return state ? Math.max(0, state.pausedUntil - this.options.now()) : 0;
  }

  /** Waits for a slot; the returned function frees it (call it exactly once). */
  async acquire(store: string): Promise<() => void> {
    const state = this.state(store);
    if (state.inFlight >= this.options.maxInFlight) {
      await new Promise<void>((resolve) => state.waiters.push(resolve));
    } else {
      state.inFlight++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = state.waiters.shift();
      // The slot passes straight to the next waiter; otherwise it is freed.
      if (next) next();
      else state.inFlight--;
    };
  }

  /** After an answer: spread what is left of the window over the requests that are left. */
  observe(store: string, headers: Headers): void {
    const left = Number(headers.get('x-rate-limit-requests-left') ?? NaN);
    const resetMs = Number(headers.get('x-rate-limit-time-reset-ms') ?? NaN);
    if (!Number.isFinite(left) || !Number.isFinite(resetMs) || left > this.options.lowQuotaRequestsLeft)
      return;
    this.pauseFor(store, left <= 0 ? resetMs : resetMs / (left + 1));
  }

  /** A 429: nothing more to this store until the wait it asked for is over. */
  throttled(store: string, waitMs: number): void {
    this.pauseFor(store, waitMs);
  }

  private pauseFor(store: string, ms: number) {
    const state = this.state(store);
    state.pausedUntil = Math.max(state.pausedUntil, this.options.now() + Math.max(0, ms));
  }
}
