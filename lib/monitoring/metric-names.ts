import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { REJECTION_REASONS } from '../../functions/common/metric-names';

export {
  CHANNEL_API_METRICS,
  HOOK_METRICS,
  INGEST_METRICS,
  REJECTION_REASONS,
  WORKER_METRICS,
} from '../../functions/common/metric-names';
export { NEEDS_ATTENTION_REASONS } from '../../functions/domain/order';

/** `WebhookRejected` with this `reason`: bad or missing token or signature. */
export const UNAUTHORIZED_REASON = 'unauthorized' satisfies (typeof REJECTION_REASONS)[number];

export { SUPPORT_WIDGET_METRICS } from '../../functions/support-widget/metric-names';

/** Where a function's metrics live: its stage's namespace and its service name. */
export interface MetricSource {
  readonly serviceName: string;
  readonly metricsNamespace: string;
}

export interface ServiceMetricOptions {
  readonly label?: string;
  readonly dimensions?: Record<string, string>;
  /** @default 5 minutes */
  readonly period?: Duration;
}

/** A count metric of one function (Sum over the period), in that function's stage namespace. */
export function serviceMetric(
  source: MetricSource,
  metricName: string,
  options: ServiceMetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: source.metricsNamespace,
    metricName,
    dimensionsMap: { service: source.serviceName, ...options.dimensions },
    statistic: cloudwatch.Stats.SUM,
    period: options.period ?? Duration.minutes(5),
    label: options.label,
  });
}
