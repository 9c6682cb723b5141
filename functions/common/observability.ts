import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE } from './metric-names';
import type { AggregatedMetrics } from './aggregated-metrics';

/**
 * Structured logs and EMF metrics per function. Tracing is Lambda's active X-Ray tracing (set in CDK);
 * the Powertools Tracer is left out on purpose: its X-Ray SDK adds ~120 KB to every bundle and
 * process-wide async hooks that cost the ingest hot path about a quarter of its CPU (docs/benchmarks.md).
 */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

/** One logger/metrics pair per function; POWERTOOLS_* variables still apply (level, disabling). */
export function createObservability(serviceName: string): Observability {
  const logger = new Logger({ serviceName });
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      logger[level](args.map(String).join(' '));
  // An invocation that counts nothing (an ignored webhook, a quiet sweep) is normal, not worth a warning.
  const metricsLogger = {
    debug: forward('debug'),
    info: forward('info'),
    error: forward('error'),
    warn: (...args: unknown[]) => {
      if (!String(args[0]).startsWith('No application metrics')) forward('warn')(...args);
    },
  };
  return {
    logger,
    metrics: new Metrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
      logger: metricsLogger,
    }),
  };
}

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
