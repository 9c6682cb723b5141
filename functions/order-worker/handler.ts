import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { orderEventSchema, type OrderEvent } from '../domain/order-event';
import { withObservability } from '../common/observability';
import * as rt from '../common/runtime';
import {
  DEADLINE_MARGIN_MS,
  LOW_QUOTA_REQUESTS_LEFT,
  MAX_THROTTLE_WAIT_MS,
  PER_STORE_CONCURRENCY,
} from './deps';
import { makePipeline, WORKER_COUNTERS, type LogAttributes, type OrderWorkerDeps } from './pipeline';

export { OUTCOME_METRICS, WORKER_COUNTERS, type OrderWorkerDeps } from './pipeline';

export type OrderWorkerHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export function makeHandler(deps: OrderWorkerDeps): OrderWorkerHandler {
  const { logger } = deps;
  const marginMs = deps.deadlineMarginMs ?? DEADLINE_MARGIN_MS;
  const pipeline = makePipeline(deps);
  const { count } = pipeline;

  function parseRecord(record: SQSRecord): OrderEvent | undefined {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const parsed = orderEventSchema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    // It can never succeed: drop it (succeed the record) rather than let it cycle into the DLQ.
    count(WORKER_COUNTERS.malformed);
    logger.warn('Dropped a malformed order event', {
      messageId: record.messageId,
      problem: body === undefined ? 'not JSON' : `${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    });
    return undefined;
  }

  return async (sqsEvent, context) => {
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadline = remaining === undefined ? undefined : Date.now() + remaining - marginMs;

    const recordHandler = async (record: SQSRecord) => {
      const event = parseRecord(record);
      if (!event) return;
      const attrs: LogAttributes = {
        channelId: event.channelId,
        orderId: event.orderId,
        eventId: event.eventId,
        attempt: event.attempt,
        source: event.source,
        messageId: record.messageId,
      };
      try {
        await pipeline.handleEvent(event, attrs, deadline);
      } catch (error) {
        count(WORKER_COUNTERS.failed);
        logger.error('Order event failed; SQS will deliver it again', {
          ...attrs,
          outcome: 'failed',
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        throw error;
      }
    };

    // A processor per invocation: it holds per-batch state, and the local runtime may overlap invocations.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(sqsEvent, recordHandler, processor, {
      ...(context ? { context } : {}),
      throwOnFullBatchFailure: false,
    });
  };
}

export const WIRE_KEYS = [
  'CHANNELS_TABLE',
  'ORDERS_TABLE',
  'SECRETS_TABLE',
  'SECRET_NAME_PREFIX',
  'ORDER_EVENTS_QUEUE_URL',
  'BIGCOMMERCE_API_URL',
  'DEFER_DELAYS_SECONDS',
  'DEFER_MAX_AGE_SECONDS',
  'DYNAMODB_ENDPOINT',
  'SQS_ENDPOINT',
  'SECRETSMANAGER_ENDPOINT',
] as const;

export function wire(env: Record<string, string | undefined>) {
  const { runtime, obs } = rt.forFunction(env, WIRE_KEYS, 'order-worker');
  const { config } = runtime;
  const handler = makeHandler({
    ...rt.channelAccess(runtime),
    orders: rt.orderStore(runtime),
    queue: rt.orderEventQueue(runtime),
    // A container holds a few requests per store at most and never waits long for one: see deps.ts.
    bigcommerce: rt.bigCommerce(runtime, {
      maxThrottleWaitMs: MAX_THROTTLE_WAIT_MS,
      perStoreConcurrency: PER_STORE_CONCURRENCY,
      lowQuotaRequestsLeft: LOW_QUOTA_REQUESTS_LEFT,
    }),
    policy: { delaysSeconds: config.DEFER_DELAYS_SECONDS, maxAgeSeconds: config.DEFER_MAX_AGE_SECONDS },
    logger: obs.logger,
    metrics: obs.metrics,
  });
  return withObservability(handler as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>, obs);
}
