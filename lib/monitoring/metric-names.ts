import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE } from '../house-function';

/**
 * The Powertools metrics each function emits (namespace OmBigCommerce, default dimension `service` =
 * POWERTOOLS_SERVICE_NAME). The dashboard and alarms read them by these names.
 */
export const INGEST_METRICS = {
  received: 'WebhookReceived',
  accepted: 'WebhookAccepted',
  /** Extra dimension `reason` (REJECTION_REASONS). */
  rejected: 'WebhookRejected',
  ignored: 'WebhookIgnored',
  enqueueFailed: 'EnqueueFailed',
  /** A callback for a deleted channel, acknowledged (200) and dropped. */
  forDeletedChannel: 'WebhookForDeletedChannel',
  /** BigCommerce's `store/hook/deliveryException`: deliveries to a hook are failing (alarm). */
  deliveryException: 'HookDeliveryException',
} as const;

export const REJECTION_REASONS = ['unauthorized', 'invalid', 'too_large', 'unknown_channel'] as const;

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
} as const;

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
  /** BigCommerce refused new credentials (401/403): answered 422, nothing saved. */
  credentialsRefused: 'CredentialsRefused',
  /** BigCommerce could not answer the credentials check (5xx, timeout): saved, error on the hook. */
  credentialsUnverified: 'CredentialsUnverified',
} as const;

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
