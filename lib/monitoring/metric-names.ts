import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The Powertools metrics each function emits (namespace `OmBigCommerce/<stage>`, default dimension
 * `service` = POWERTOOLS_SERVICE_NAME). The dashboard and alarms read them by these names.
 */
export const INGEST_METRICS = {
  received: 'WebhookReceived',
  accepted: 'WebhookAccepted',
  /** Extra dimension `reason` (REJECTION_REASONS). */
  rejected: 'WebhookRejected',
  ignored: 'WebhookIgnored',
  enqueueFailed: 'EnqueueFailed',
  /** A `store/hook/deliveryException` callback: BigCommerce is failing to deliver to us. */
  deliveryException: 'WebhookDeliveryException',
} as const;

export const REJECTION_REASONS = ['unauthorized', 'invalid', 'too_large', 'unknown_channel'] as const;
/** `WebhookRejected` with this `reason`: bad or missing token or signature. */
export const UNAUTHORIZED_REASON = 'unauthorized' satisfies (typeof REJECTION_REASONS)[number];

export const WORKER_METRICS = {
  cancelled: 'OrderCancelled',
  fulfilled: 'OrderFulfilled',
  statusNotConfigured: 'StatusNotConfigured',
  deferred: 'Deferred',
  expired: 'Expired',
  alreadyInTargetStatus: 'AlreadyInTargetStatus',
  noAction: 'NoAction',
  duplicateDropped: 'DuplicateDropped',
  bigCommerceOrderNotFound: 'BigCommerceOrderNotFound',
  bigCommerceThrottled: 'BigCommerceThrottled',
  processingFailed: 'ProcessingFailed',
  writeConflict: 'WriteConflict',
  deferralChained: 'DeferralChained',
  malformedDropped: 'MalformedMessageDropped',
  unknownChannelDropped: 'UnknownChannelDropped',
  /** Extra dimension `reason` (NEEDS_ATTENTION_REASONS). */
  needsAttention: 'NeedsAttention',
} as const;

/** The `reason` of a `needs_attention` outcome (DESIGN.md section 12). */
export const NEEDS_ATTENTION_REASONS = [
  'disputed',
  'manual_verification_required',
  'uncancelled_in_bigcommerce',
  'archived_in_bigcommerce',
] as const;

export const HOOK_METRICS = {
  created: 'HookCreated',
  reactivated: 'HookReactivated',
  repaired: 'HookRepaired',
  deleted: 'HookDeleted',
  verifyFailed: 'HookVerifyFailed',
  channelsVerified: 'ChannelsVerified',
  reconcileEnqueued: 'ReconcileEventsEnqueued',
  reconcileFailed: 'ReconcileFailed',
} as const;

export const CHANNEL_API_METRICS = {
  requests: 'ChannelApiRequests',
  errors: 'ChannelApiErrors',
  saved: 'ChannelSaved',
  deleted: 'ChannelDeleted',
  /** The settings are stored but hook-manager only converges them on its next scheduled run. */
  eventPublishFailed: 'ChannelEventPublishFailed',
} as const;

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
