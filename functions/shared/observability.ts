import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

export const METRICS_NAMESPACE = 'OmBigCommerce';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** One logger/metrics/tracer set per function; POWERTOOLS_* variables still apply (level, disabling). */
export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    }),
    tracer: new Tracer({ serviceName }),
  };
}

/** The house middy chain: tracing outermost, then structured logging with the Lambda context, then metrics. */
export function withObservability<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  obs: Observability,
): (event: E, context: Context) => Promise<R> {
  return middy(handler)
    .use(captureLambdaHandler(obs.tracer))
    .use(injectLambdaContext(obs.logger))
    .use(logMetrics(obs.metrics, { throwOnEmptyMetrics: false })) as unknown as (
    event: E,
    context: Context,
  ) => Promise<R>;
}
