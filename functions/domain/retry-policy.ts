/**
 * How long to wait before looking again at an order OM has not processed yet (DESIGN.md sections 1, 7):
 * `delaysSeconds[attempt - 1]`, the last delay repeating, until the event is older than `maxAgeSeconds`.
 */
export interface RetryPolicy {
  delaysSeconds: readonly number[];
  maxAgeSeconds: number;
}

/** SQS refuses a `DelaySeconds` above this; longer waits are chained (`notBefore`). */
export const SQS_MAX_DELAY_SECONDS = 900;

const DAY_SECONDS = 86_400;

/** The wait after attempt `attempt` (1-based) was deferred; the last configured delay repeats. */
export function delayForAttempt(policy: RetryPolicy, attempt: number): number {
  const { delaysSeconds } = policy;
  if (delaysSeconds.length === 0) throw new Error('RetryPolicy.delaysSeconds must not be empty');
  const index = Math.min(Math.max(attempt, 1), delaysSeconds.length) - 1;
  return delaysSeconds[index]!;
}

/** An event is expired once strictly more than `maxAgeSeconds` have passed since its first receipt. */
export function isExpired(policy: RetryPolicy, receivedAt: string, now: Date): boolean {
  return now.getTime() - Date.parse(receivedAt) > policy.maxAgeSeconds * 1000;
}

/**
 * Splits a wait into what SQS can do in one message (≤ 900 s) and, when longer, the time before which
 * the chained message must not be acted on.
 */
export function planDelay(delaySeconds: number, now: Date): { delaySeconds: number; notBefore?: string } {
  const whole = Math.max(0, Math.ceil(delaySeconds));
  if (whole <= SQS_MAX_DELAY_SECONDS) return { delaySeconds: whole };
  return {
    delaySeconds: SQS_MAX_DELAY_SECONDS,
    notBefore: new Date(now.getTime() + whole * 1000).toISOString(),
  };
}

/**
 * Processed-event marks must outlive every redelivery: BigCommerce retries for about 48 h and a deferred
 * event lives up to `maxAgeSeconds`. Keep them a week, or a day past the maximum age when that is longer.
 */
export const processedRetentionSeconds = (policy: Pick<RetryPolicy, 'maxAgeSeconds'>): number =>
  Math.max(7 * DAY_SECONDS, policy.maxAgeSeconds + DAY_SECONDS);

/** TTL for items of orders OM has not imported yet: long enough for every retry of their events. */
export const unimportedOrderTtlSeconds = (policy: Pick<RetryPolicy, 'maxAgeSeconds'>): number =>
  processedRetentionSeconds(policy);

/** Longest jitter added to a rate-limit wait, so a store's requeued events do not all return at once. */
export const THROTTLE_JITTER_SECONDS = 5;

/**
 * The wait before a rate-limited event is tried again: what BigCommerce asked for (rounded up to whole
 * seconds, at least 1) plus `jitter` ∈ [0, 1) of THROTTLE_JITTER_SECONDS. May exceed 900 s: chain it.
 */
export function throttleDelaySeconds(retryAfterMs: number, jitter: number): number {
  const asked = Math.max(1, Math.ceil(Math.max(0, retryAfterMs) / 1000));
  return asked + Math.floor(Math.min(Math.max(jitter, 0), 0.999) * (THROTTLE_JITTER_SECONDS + 1));
}

/** A read older than one already applied: look again after this many seconds (BigCommerce catches up). */
export const STALE_READ_RETRY_SECONDS = 2;
