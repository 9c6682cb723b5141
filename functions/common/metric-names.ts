/**
 * Metric names the functions emit and the dashboard and alarms read (lib/monitoring re-exports them).
 * Plain constants: the runtime imports them without loading the CDK.
 */
export const INGEST_METRICS = {
  received: 'WebhookReceived',
  accepted: 'WebhookAccepted',
  /** Extra dimension `reason` (REJECTION_REASONS). */
  rejected: 'WebhookRejected',
  ignored: 'WebhookIgnored',
  enqueueFailed: 'EnqueueFailed',
} as const;

export const REJECTION_REASONS = ['unauthorized', 'invalid', 'too_large', 'unknown_channel'] as const;
