import type { Logger } from '@aws-lambda-powertools/logger';
import type { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BigCommerceApi } from '../adapters/bigcommerce-client';
import { WORKER_METRICS as NAMES, type WorkerMetric } from '../common/metric-names';
import type { Uses } from '../common/ports';
import type { Decision } from '../domain/decision';
import type { Outcome } from '../domain/order';
import { processedRetentionSeconds, type RetryPolicy } from '../domain/retry-policy';
import type { PORTS } from './ports';

/** One metric per outcome (names from the one metric-name table), plus the worker's own counters below. */
export const OUTCOME_METRICS: Record<Outcome, WorkerMetric> = {
  cancelled: NAMES.cancelled,
  fulfilled: NAMES.fulfilled,
  status_not_configured: NAMES.statusNotConfigured,
  deferred: NAMES.deferred,
  expired: NAMES.expired,
  already_in_target_status: NAMES.alreadyInTargetStatus,
  no_action_for_bigcommerce_status: NAMES.noAction,
  bigcommerce_order_not_found: NAMES.bigCommerceOrderNotFound,
  partially_shipped: NAMES.partiallyShipped,
  shipment_recorded: NAMES.shipmentRecorded,
  /** Emitted with the dimension NEEDS_ATTENTION_DIMENSION = the entry's reason. */
  needs_attention: NAMES.needsAttention,
};

export const NEEDS_ATTENTION_DIMENSION = 'reason';

/** The worker's counters other than outcomes, by what the pipeline calls them. */
export const WORKER_COUNTERS = {
  duplicate: NAMES.duplicateDropped,
  throttled: NAMES.bigCommerceThrottled,
  /** Rate limited for longer than the worker waits in-process: sent back to the queue with a delay. */
  throttleRequeued: NAMES.throttledRequeued,
  /** BigCommerce answered an order older than one already applied, twice: sent back to look again. */
  staleRead: NAMES.staleReadRequeued,
  /** OM's import re-checked the order's waiting events. */
  omImportRecheck: NAMES.omImportRecheck,
  failed: NAMES.processingFailed,
  malformed: NAMES.malformedDropped,
  unknownChannel: NAMES.unknownChannelDropped,
  /** A wait longer than SQS's 900 s: the message was sent on again for the rest of it. */
  waitChained: NAMES.deferralChained,
  writeConflict: NAMES.writeConflict,
} as const;

export const CACHE_TTL_MS = 60_000;
/** Time kept back from the Lambda timeout so a record fails cleanly (and is retried) instead of timing out. */
export const DEADLINE_MARGIN_MS = 2_000;
export const MAX_WRITE_TRIES = 3;
/** Longest in-process wait for a store's rate limit; longer waits go back to the queue (contract.md 10). */
export const MAX_THROTTLE_WAIT_MS = 1_000;
/** Requests to one store in flight at once per container, and where the container starts slowing down. */
export const PER_STORE_CONCURRENCY = 3;
export const LOW_QUOTA_REQUESTS_LEFT = 5;

/** What the per-event pipeline needs; the handler adds nothing but batching and parsing. */
export interface OrderWorkerDeps {
  channels: Uses<typeof PORTS, 'channels'>;
  secrets: Uses<typeof PORTS, 'secrets'>;
  orders: Uses<typeof PORTS, 'orders'>;
  queue: Uses<typeof PORTS, 'orderEventQueue'>;
  bigcommerce: Pick<BigCommerceApi, 'getOrder' | 'listShipments'>;
  policy: RetryPolicy;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  metrics: MetricsPort & {
    /** A metric published on its own with extra dimensions (Powertools `singleMetric`). */
    singleMetric?(): MetricsPort & { addDimension(name: string, value: string): unknown };
  };
  now?: () => Date;
  /** In [0, 1): jitter for rate-limit requeues. */
  random?: () => number;
  cacheTtlMs?: number;
  deadlineMarginMs?: number;
  maxWriteTries?: number;
}

interface MetricsPort {
  addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown;
}

/** Counts a decision's outcome metric; `needs_attention` with its reason as a dimension. */
export function countOutcome(metrics: OrderWorkerDeps['metrics'], decision: Decision): void {
  const name = OUTCOME_METRICS[decision.outcome];
  if (decision.outcome === 'needs_attention' && metrics.singleMetric) {
    const single = metrics.singleMetric();
    single.addDimension(NEEDS_ATTENTION_DIMENSION, decision.reason);
    single.addMetric(name, 'Count', 1);
  } else {
    metrics.addMetric(name, 'Count', 1);
  }
}

/** Thrown when the optimistic lock kept failing: the record fails and SQS delivers it again. */
export class WriteConflictError extends Error {
  override name = 'WriteConflictError';
}

/** What the event pipeline and the OM-import re-check take from the deps alike. */
export function sharedSteps(deps: OrderWorkerDeps, count: (name: string) => void) {
  const maxWriteTries = deps.maxWriteTries ?? MAX_WRITE_TRIES;
  return {
    clock: deps.now ?? (() => new Date()),
    count,
    retentionSeconds: processedRetentionSeconds(deps.policy),
    /** A conditional write lost to another one: counted; after the last try the record fails. */
    writeConflict(orderId: number, tries: number): void {
      count(WORKER_COUNTERS.writeConflict);
      if (tries >= maxWriteTries)
        throw new WriteConflictError(`order ${orderId} kept changing; gave up after ${tries} tries`);
    },
  };
}

export type SharedSteps = ReturnType<typeof sharedSteps>;

export class MissingCredentialsError extends Error {
  override name = 'MissingCredentialsError';
}

/** BigCommerce kept answering an order older than one already applied: look again a little later. */
export class StaleReadError extends Error {
  override name = 'StaleReadError';
}

export type LogAttributes = Record<string, unknown>;
