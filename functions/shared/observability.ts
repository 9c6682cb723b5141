import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import middy from '@middy/core';

/* eslint-disable @typescript-eslint/no-require-imports -- the tracer is loaded lazily, see tracingEnabled */
import type { Context } from 'aws-lambda';

export const METRICS_NAMESPACE = 'OmBigCommerce';

/** The part of the Powertools Tracer the functions use; a no-op when tracing is off. */
export interface TracerFacade {
  captureAWSv3Client<T>(client: T): T;
  /** The real tracer, only when tracing is on. */
  readonly tracer?: Tracer;
}

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: TracerFacade;
}

/**
 * Tracing is on in Lambda unless POWERTOOLS_TRACE_ENABLED=false. Off it, the tracer module is never
 * loaded: aws-xray-sdk-core installs process-wide async hooks that slow every await even when disabled.
 */
const tracingEnabled = (env: Record<string, string | undefined>) =>
  env.POWERTOOLS_TRACE_ENABLED !== 'false' && env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

function createTracer(serviceName: string): TracerFacade {
  if (!tracingEnabled(process.env)) return { captureAWSv3Client: (client) => client };
  // Loaded lazily on purpose (see above); esbuild still bundles it.
  const { Tracer: TracerClass } =
    require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
  const tracer = new TracerClass({ serviceName });
  return { captureAWSv3Client: (client) => tracer.captureAWSv3Client(client), tracer };
}

/** One logger/metrics/tracer set per function; POWERTOOLS_* variables still apply (level, disabling). */
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
    tracer: createTracer(serviceName),
  };
}

/** The house middy chain: tracing outermost (when on), then structured logging with the Lambda context, then metrics. */
export function withObservability<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  obs: Observability,
): (event: E, context: Context) => Promise<R> {
  const chain = middy(handler);
  if (obs.tracer.tracer) {
    const { captureLambdaHandler } =
      require('@aws-lambda-powertools/tracer/middleware') as typeof import('@aws-lambda-powertools/tracer/middleware');
    chain.use(captureLambdaHandler(obs.tracer.tracer));
  }
  return chain
    .use(injectLambdaContext(obs.logger))
    .use(logMetrics(obs.metrics, { throwOnEmptyMetrics: false })) as unknown as (
    event: E,
    context: Context,
  ) => Promise<R>;
}
