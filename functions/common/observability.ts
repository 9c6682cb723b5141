import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { AggregatedMetrics } from './aggregated-metrics';
import type { Observability } from './logger-metrics';

/** Built apart from middy (ESM-only), so scripts and the local stack load the composition root under tsx. */
export { createObservability, type Observability } from './logger-metrics';

export interface ObservabilityOptions {
  /**
   * middy's early-timeout timer (ms before Lambda's deadline); 0 turns it off. A function that answers
   * in milliseconds and has no clean-up to do on a timeout should not pay for a timer per invocation.
   * @default middy's default (5 ms)
   */
  timeoutEarlyInMillis?: number;
  /** Counts summed in the container and written at most once per interval instead of per invocation. */
  aggregated?: AggregatedMetrics;
}

/**
 * The house middy chain: structured logging with the Lambda context, then metrics, flushed per
 * invocation (or, with `aggregated`, when due).
 * `logEvent: false` wins over POWERTOOLS_LOGGER_LOG_EVENT: an event carries the webhook token and
 * signature headers, or a channel's credentials, and must never reach a log whatever the environment says.
 */
export function withObservability<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  obs: Observability,
  options: ObservabilityOptions = {},
): (event: E, context: Context) => Promise<R> {
  const { aggregated } = options;
  const chain = middy(
    handler,
    options.timeoutEarlyInMillis === undefined ? {} : { timeoutEarlyInMillis: options.timeoutEarlyInMillis },
  ).use(injectLambdaContext(obs.logger, { logEvent: false }));
  return (aggregated
    ? chain.use({ after: () => aggregated.flushIfDue(), onError: () => aggregated.flushIfDue() })
    : chain.use(logMetrics(obs.metrics, { throwOnEmptyMetrics: false }))) as unknown as (
    event: E,
    context: Context,
  ) => Promise<R>;
}
