import type { FunctionName } from './routes';

/**
 * Each function's Lambda timeout: lib/ sets it in AWS, the local runtime enforces the same, and the
 * order-events queue's visibility timeout is derived from the worker's.
 */
export const FUNCTION_TIMEOUT_SECONDS: Readonly<Record<FunctionName, number>> = {
  'webhook-ingest': 10,
  'channel-api': 10,
  'order-worker': 30,
  'hook-manager': 300,
  'support-widget': 10,
};

/**
 * Each function's memory (MB): lib/ sets it in AWS, and the cost model in bench/ bills GB-seconds by it.
 * More memory is more CPU too: a shorter cold start on the path BigCommerce times.
 */
export const FUNCTION_MEMORY_MB: Readonly<Record<FunctionName, number>> = {
  'webhook-ingest': 512,
  'channel-api': 512,
  'order-worker': 512,
  'hook-manager': 512,
  'support-widget': 256,
};

/** Order events per order-worker invocation (AWS, local poller, bench). */
export const ORDER_WORKER_BATCH_SIZE = 10;
/** order-worker invocations at once in AWS: caps the pressure on each store's BigCommerce rate limit. */
export const ORDER_WORKER_MAX_CONCURRENCY = 5;

/** Receives of an order event before SQS moves it to the dead-letter queue (AWS and local). */
export const MAX_RECEIVE_COUNT = 5;

/**
 * The sharded hook sweep: the scheduled run lists channels and enqueues them in shards of this many
 * ids on hook-manager's work queue; Lambda runs at most HOOK_WORK_MAX_CONCURRENCY shards at once
 * (the event source mapping's maximum concurrency), and each converges up to HOOK_SHARD_CONCURRENCY
 * channels at a time. 100 channels at 150 ms per BigCommerce request take seconds, far below the
 * 300 s timeout; 10 × 24 channels in flight keep 100,000 channels well inside the 15-minute interval.
 */
export const HOOK_SHARD_SIZE = 100;
/** Messages per invocation: one shard (or catch-up) each, so no invocation grows with the sweep. */
export const HOOK_WORK_BATCH_SIZE = 1;
export const HOOK_WORK_MAX_CONCURRENCY = 10;
export const HOOK_SHARD_CONCURRENCY = 24;
/** Receives of a hook-work message before SQS moves it to hook-manager's failure queue. */
export const HOOK_WORK_MAX_RECEIVE_COUNT = 3;
