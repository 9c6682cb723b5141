import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE } from '../../functions/common/metric-names';

export {
  CHANNEL_API_METRICS,
  HOOK_METRICS,
  INGEST_METRICS,
  REJECTION_REASONS,
  WORKER_METRICS,
} from '../../functions/common/metric-names';

export interface ServiceMetricOptions {
  readonly label?: string;
  readonly dimensions?: Record<string, string>;
  /** @default 5 minutes */
  readonly period?: Duration;
}

/** A count metric of one function (Sum over the period). */
export function serviceMetric(
  service: string,
  metricName: string,
  options: ServiceMetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service, ...options.dimensions },
    statistic: cloudwatch.Stats.SUM,
    period: options.period ?? Duration.minutes(5),
    label: options.label,
  });
}
