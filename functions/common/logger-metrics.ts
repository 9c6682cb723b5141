import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from './metric-names';

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
